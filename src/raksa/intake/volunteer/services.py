"""A volunteer's writes: a report for a person in her community, with that person's consent, and a follow-up
note on a case she reported. Both go through the services every channel uses (intake.report_submit and
cases.services.note_add_follow_up); nothing here decides a rule of its own but these:

- only an active user of role "volunteer" reports here (anyone else: Forbidden);
- her idempotency keys are her own (source "volunteer:<user id>"), so two volunteers' keys never collide;
- who consented defaults to the person reported for (the subject's name): consent is a person's, never blank.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from raksa.accounts.models import Role, User
from raksa.cases.access import forbidden
from raksa.cases.models import Channel, Note
from raksa.cases.services import note_add_follow_up
from raksa.intake.services import Submitted, report_submit
from raksa.intake.volunteer.selectors import volunteer_case_get


def volunteer_source(volunteer: User) -> str:
    return f"volunteer:{volunteer.pk}"


def _require_volunteer(user: Any) -> User:
    if not isinstance(user, User) or not user.is_active or user.role != Role.VOLUNTEER:
        raise forbidden("report as a community volunteer", "แจ้งเรื่องในฐานะอาสาสมัคร อพม.")
    return user


def volunteer_report_submit(
    *,
    volunteer: User,
    idempotency_key: str,
    text: str = "",
    emergency_type: str | None = None,
    category: str | None = None,
    subject: dict[str, Any] | None = None,
    location: dict[str, Any] | None = None,
    consent: dict[str, Any],
    files: Sequence[Any] = (),
) -> Submitted:
    """Report for a person, with their consent (`{"given_by", "method", "given_at"}`; given_by defaults to the
    subject's name). The case opens as a public channel's would; she follows it from "my reports"."""
    volunteer = _require_volunteer(volunteer)
    consent = dict(consent)
    subject_name = ((subject or {}).get("name") or "").strip()
    if not (consent.get("given_by") or "").strip() and subject_name:
        consent["given_by"] = subject_name
    return report_submit(
        channel=Channel.VOLUNTEER,
        source=volunteer_source(volunteer),
        idempotency_key=idempotency_key,
        text=text,
        emergency_type=emergency_type,
        category=category,
        subject=subject,
        location=location,
        files=files,
        actor=volunteer,
        consent=consent,
    )


def volunteer_note_add(*, volunteer: User, number: str, body: str) -> Note:
    """A follow-up note on a case she reported (NotFound for any other case, as for a missing one)."""
    volunteer = _require_volunteer(volunteer)
    followed = volunteer_case_get(volunteer=volunteer, number=number)
    return note_add_follow_up(volunteer=volunteer, case=followed.case, body=body)
