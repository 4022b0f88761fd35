"""Emergency dispatch: the hand-over point from intake, and (in the dispatch issue) point routing, alerts,
timers, escalation and the live board."""
