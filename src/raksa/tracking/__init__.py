"""e-Tracking: the public tracking page and API, their second factor and rate limits, and telling the reporter
when her case moves to a new public stage."""
