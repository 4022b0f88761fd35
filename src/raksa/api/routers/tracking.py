"""The public tracking look-up, `GET /track/{code}`: no token, the same data and rules as the page at /track/
(raksa.tracking.services.track_lookup), the second factor in the `X-Tracking-Secret` header.

Every answer, failures included, carries the page's headers (never indexed, never cached, no Referer): the
failures are answered here rather than by the API's shared handlers, which know nothing of them.
"""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from ninja import Header, Path, Router
from ninja import Status as HttpStatus

from raksa.api.responses import answers
from raksa.api.schemas import NO_NUL, TrackOut
from raksa.core.client import client_address
from raksa.core.errors import RaksaError, TooManyRequests
from raksa.tracking.http import private_answer
from raksa.tracking.selectors import Tracked
from raksa.tracking.services import track_lookup

router = Router()

Code = Annotated[
    str,
    Path(
        max_length=64,
        pattern=NO_NUL,
        description="The tracking code as the person has it: case, spaces, dashes and look-alikes (O for 0, "
        "I or L for 1) do not matter, nor the Thai keyboard layout left on",
    ),
]
Secret = Annotated[
    str | None,
    Header(
        None,
        alias="X-Tracking-Secret",
        max_length=32,
        pattern=NO_NUL,
        description="The second factor: the last 4 digits of the phone number given when reporting, or the "
        "6-digit PIN shown once then. Opens `agency`, `history` and `public_notes`",
    ),
]

_DESCRIPTION = """\
For the person who asked for help, or an app of hers: where the request stands, in plain Thai and English. No
token. The answer never holds a name, a phone number, the case's number or content, or any internal id or code.

Without `X-Tracking-Secret`: the current stage and its date, the seven stages in order, and what happens next
with how long the owning unit usually takes (the median over its cases of the last 90 days). With it (the last 4
digits of the reporter's phone, or her 6-digit PIN): also `agency` (the unit's public name), `history` and
`public_notes`.

**Failures.** A code that cannot be one Raksa gave (the check character catches a mistyped one) is 400
`tracking_code_invalid`, before any look-up; a second factor that is neither 4 nor 6 digits is 400
`tracking_secret_invalid`. An unknown code is 404 `not_found`; with a second factor, an unknown code and a wrong
second factor get the one same 404. Failed look-ups are limited per address and per code
(`RAKSA_TRACK_FAILURES` in `RAKSA_TRACK_FAILURE_MINUTES` minutes, `RAKSA_TRACK_FAILURES_DAY` a day): beyond
them, 429 `too_many_tracking_failures` with `Retry-After`.
"""


def _answer(view: Tracked) -> dict[str, Any]:
    said = view.words
    answer: dict[str, Any] = {
        "code": view.code,
        "stage": view.stage,
        "stage_th": said.name_th,
        "stage_en": said.name_en,
        "stages": [{"stage": step.stage, "at": step.at} for step in view.ladder],
        "next_step_th": view.next_step.th,
        "next_step_en": view.next_step.en,
    }
    if view.verified:
        answer["agency"] = {"name_th": view.agency_th, "name_en": view.agency_en}
        answer["history"] = [
            {"stage": e.stage, "stage_th": e.words.name_th, "stage_en": e.words.name_en, "at": e.at}
            for e in view.history
        ]
        answer["public_notes"] = [{"at": note.at, "text": note.text} for note in view.public_notes]
    return answer


@router.get(
    "/{code}",
    auth=None,
    exclude_unset=True,
    **answers({200: TrackOut}, 404, 429, public=True),
    summary="Track a request by its code",
    description=_DESCRIPTION,
)
def track_get(request: HttpRequest, response: HttpResponse, code: Code, secret: Secret = None) -> Any:
    private_answer(response)
    try:
        view = track_lookup(code=code, secret=secret, client=client_address(request))
    except RaksaError as error:
        for field_error in error.errors:
            if field_error.field == "secret":
                field_error.field = "X-Tracking-Secret"
        if isinstance(error, TooManyRequests):
            response["Retry-After"] = str(error.retry_after)
        return HttpStatus(error.status, error.as_dict())
    return _answer(view)
