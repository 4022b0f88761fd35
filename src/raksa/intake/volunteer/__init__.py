"""The community volunteers' channel (อพม., the ministry's พม. SMART), at /volunteer/, for role "volunteer" only.

A volunteer reports for a person in her community with that person's consent (intake.report_submit with
channel "volunteer"), follows the cases her reports are attached to at the public level (the plain-Thai stage and
the next step, her own follow-up notes, nothing else of the case), and adds follow-up notes that the case's
workers read on the case page (cases.services.note_add_follow_up). She is not staff in the case rules
(cases.access.staff_unit): the workspace, the people index and the API give her nothing.
"""
