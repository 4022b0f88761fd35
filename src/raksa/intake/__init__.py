"""Intake: every channel's report, stored exactly as received, then turned into a case by one pipeline.

channel (console, web, api, line) -> `report_submit` (validate, store raw, idempotent) -> `report_process`
(triage -> people -> case -> routing -> dispatch for emergencies). Channels are sub-packages
(`intake/console/`, `intake/web/`, `intake/volunteer/`); each calls the same services.
"""
