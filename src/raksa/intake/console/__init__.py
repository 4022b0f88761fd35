"""The 1300 operator console: the call log, the caller pop, the caller's history and the intake form."""
