"""Incoming calls: the telephony system tells Raksa that a call rings, is answered or ends on an agent's phone,
so that her console (and only hers) shows the caller within the next poll (raksa.intake.console)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja import Status as HttpStatus

from raksa.accounts.auth import BearerTokenAuth
from raksa.accounts.models import Service
from raksa.api import errors
from raksa.api.responses import answers
from raksa.api.schemas import InputSchema, text_field
from raksa.intake.console.selectors import call_state
from raksa.intake.console.services import CALL_ID_MAX, call_event
from raksa.intake.models import Call

# Control characters (NUL, newlines) never belong in an id or a username.
PRINTABLE = r"^[^\x00-\x1f\x7f]*$"


class TelephonyBearer(BearerTokenAuth):
    """A valid token of a telephony service user (`raksa token create --service telephony`); any other user's
    token is refused (403), as a telephony token is everywhere else in the API."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = super().authenticate(request, token)
        if user and user.service != Service.TELEPHONY:
            raise errors.FORBIDDEN.error()
        return user


class CallEventIn(InputSchema):
    caller: str = text_field(
        ...,
        max_length=40,
        description="The caller's number as the exchange gives it (+66 and Thai digits accepted); empty when "
        "withheld",
    )
    call_id: str = text_field(
        ...,
        min_length=1,
        max_length=CALL_ID_MAX,
        pattern=PRINTABLE,
        description="The exchange's own id of the call; every event of one call carries the same one",
    )
    agent: str = text_field(
        ...,
        min_length=1,
        max_length=150,
        pattern=PRINTABLE,
        description="Username of the call-taker whose phone it is (a 1300 centre call-taker, supervisor or admin)",
    )
    event: Literal["ringing", "answered", "ended"]


class CallOut(Schema):
    call_id: str
    caller: str = Field(description="Thai national form, digits only; empty when withheld")
    agent: str | None = Field(description="Username")
    state: Literal["ringing", "answered", "ended"]
    rang_at: dt.datetime | None
    answered_at: dt.datetime | None
    ended_at: dt.datetime | None
    outcome: str = Field(
        description="What came of it, once the call-taker says: new_case, added_to_case, advice, silent, prank; "
        "empty until then"
    )
    case_number: str | None

    @staticmethod
    def resolve_agent(obj: Call) -> str | None:
        return obj.agent.username if obj.agent is not None else None

    @staticmethod
    def resolve_state(obj: Call) -> str:
        return call_state(obj)

    @staticmethod
    def resolve_case_number(obj: Call) -> str | None:
        return obj.case.number if obj.case is not None else None


router = Router(auth=TelephonyBearer())

_incoming = answers({200: CallOut, 201: CallOut}, 409)
_incoming["openapi_extra"]["responses"][400] = {
    "description": "`invalid_input`: the body does not match the schema (an unknown field is refused); "
    "`unknown_agent`: `agent` is not an active call-taker of the 1300 centre; `invalid_phone`: `caller` is not a "
    "Thai phone number (nor empty)"
}
_incoming["openapi_extra"]["responses"][403] = {
    "description": "`forbidden`: the token is not a telephony service user's (`raksa token create --service "
    "telephony`)"
}
_incoming["openapi_extra"]["responses"][409] = {
    "description": "`call_taken`: another agent has already answered this call; it stays hers"
}


@router.post(
    "/incoming",
    **_incoming,
    summary="Tell Raksa about a call: ringing, answered or ended",
    description=(
        "For the telephony system (any exchange that can fire a webhook), with the token of a telephony service "
        "user. The agent's open console shows the caller (their people, cases across agencies and risk flags) "
        "within about a second, without a reload; no other agent's screen does. Each time is set once: the same "
        "event again changes nothing (answered 200). The first event of a call makes it (201). While nobody has "
        "answered, a ringing event for another agent moves the call to her (a ring group); `answered` or "
        "`ended` without the events before them set those times too. A call that rang and ended unanswered "
        "counts as abandoned."
    ),
)
def calls_incoming(request: HttpRequest, payload: CallEventIn) -> HttpStatus[Call]:
    result = call_event(
        agent_username=payload.agent, call_id=payload.call_id, caller=payload.caller, event=payload.event
    )
    call = Call.objects.select_related("agent", "case").get(pk=result.call.pk)
    return HttpStatus(201 if result.created else 200, call)
