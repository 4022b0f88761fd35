"""Raksa: social-help intake and the shared case logbook."""
