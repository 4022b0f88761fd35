"""The tracking look-up (one for the page and the API) and the PIN handed out once when a report is made.

`track_lookup`, in this order:
1. the code is read forgivingly (core.ids); one that cannot be a code Raksa gave ("check the code") and a second
   factor of the wrong shape are refused before anything is counted or looked up;
2. the client address's failures, then (with a second factor) the code's, are counted (core.ratelimit: in the
   database, so they hold across every web process): over RAKSA_TRACK_FAILURES in a window of
   RAKSA_TRACK_FAILURE_MINUTES, or RAKSA_TRACK_FAILURES_DAY in a day, is a 429 with the seconds to wait. Every
   request is counted before the look-up and a found one hands its counts back, so concurrent guesses are held
   to the limit exactly;
3. the case is looked up. Without a second factor a known code answers its current stage; with one, the same
   work is done whether the code is known or not (the reporter's phones are read by the code, a PIN hash is
   always computed) and an unknown code and a wrong second factor get the one same answer;
4. a look-up that found its case hands its counts back: only failures use up the allowance.
"""

from __future__ import annotations

from django.conf import settings

from raksa.cases.models import Case
from raksa.core.errors import RaksaError
from raksa.core.ids import normalize_tracking_code
from raksa.core.ratelimit import Limit, RateDecision, rate_give_back, rate_take
from raksa.tracking import factors
from raksa.tracking.errors import (
    TOO_MANY_TRACKING_FAILURES,
    TRACKING_CODE_INVALID,
    TRACKING_NO_MATCH,
    TRACKING_NOT_FOUND,
    TRACKING_SECRET_INVALID,
)
from raksa.tracking.selectors import Tracked, case_for_code, reporter_phones, tracked

SCOPE_ADDRESS = "track_address"
SCOPE_CODE = "track_code"


def _limits() -> tuple[Limit, ...]:
    return (
        Limit(settings.RAKSA_TRACK_FAILURES, settings.RAKSA_TRACK_FAILURE_MINUTES * 60),
        Limit(settings.RAKSA_TRACK_FAILURES_DAY, 24 * 60 * 60),
    )


def _too_many(decisions: list[RateDecision]) -> RaksaError:
    retry_after = max(decision.retry_after for decision in decisions)
    return TOO_MANY_TRACKING_FAILURES.error(retry_after=retry_after, minutes=-(-retry_after // 60))


def track_lookup(*, code: str, secret: str | None = None, client: str | None = None) -> Tracked:
    """The public view of the case with tracking code `code` (as typed), opened further by `secret` (the last 4
    digits of the reporter's phone, or the case's PIN) when one is given; `client` is the caller's address.

    Raises `tracking_code_invalid` (field "code"), `tracking_secret_invalid` (field "secret"), `not_found`
    (one message for an unknown code, another, the same for both, when a second factor was given) and
    `too_many_tracking_failures` (429, with `retry_after`).
    """
    canonical = normalize_tracking_code(code or "")
    if canonical is None:
        raise TRACKING_CODE_INVALID.error(field="code")
    digits: str | None = None
    if secret is not None and secret.strip():
        digits = factors.secret_read(secret)
        if digits is None:
            raise TRACKING_SECRET_INVALID.error(field="secret")
    taken = [rate_take(scope=SCOPE_ADDRESS, client=client or "unknown", limits=_limits())]
    if taken[0].allowed and digits is not None:
        # A code's own limit guards its second factor: without one, a code is found or not however often asked.
        taken.append(rate_take(scope=SCOPE_CODE, client=canonical, limits=_limits()))
    refused = [decision for decision in taken if not decision.allowed]
    if refused:
        raise _too_many(refused)
    case = case_for_code(canonical)
    if digits is None:
        found = case is not None
    else:
        matched = factors.secret_matches(
            phones=reporter_phones(canonical),
            stored_pin=case.tracking_pin if case is not None else "",
            secret=digits,
        )
        found = matched and case is not None
    if case is None or not found:
        raise (TRACKING_NOT_FOUND if digits is None else TRACKING_NO_MATCH).error()
    for decision in taken:
        rate_give_back(decision)
    return tracked(case, verified=digits is not None)


def tracking_pin_issue(*, case: Case) -> str | None:
    """A new 6-digit PIN for `case`, to be shown to the reporter once; None when the case already has one (it was
    shown before, to whoever made the report first), so a PIN is never shown twice or replaced.

    Claimed with one UPDATE that must change exactly one row: two pages asking at once never both get one.
    """
    if case.tracking_pin:
        return None
    pin = factors.pin_new()
    stored = factors.pin_hash(pin)
    claimed = Case.objects.filter(pk=case.pk, tracking_pin="").update(tracking_pin=stored)
    if claimed != 1:
        return None
    case.tracking_pin = stored
    return pin
