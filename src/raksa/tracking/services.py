"""e-Tracking's writes: the public look-up with its counters and the PIN handed out once, and telling the
reporter each time her case reaches a new public stage.

## The look-up

`track_lookup`, in this order:
1. the code is read forgivingly (core.ids); one that cannot be a code Raksa gave ("check the code") and a second
   factor of the wrong shape are refused before anything is counted or looked up;
2. without a second factor, the client address is only checked (core.ratelimit `rate_check`, one read): a
   known code answers its current stage and writes nothing, an unknown one is counted against the address. A
   code is 40 random bits, not found by trying, and counting every look-up would put all of one address's
   look-ups (a mobile network's shared address) in the queue for one counter row;
3. with a second factor (it can be guessed: 4 digits, or 6), every try is counted first against the address and
   the code (`rate_take`; in the database, so it holds across every web process): over RAKSA_TRACK_FAILURES in a
   window of RAKSA_TRACK_FAILURE_MINUTES, or RAKSA_TRACK_FAILURES_DAY in a day, is a 429 with the seconds to
   wait, so concurrent guesses are held to the limit exactly. The same work is done whether the code is known or
   not (the reporter's phones are read by the code, a PIN hash is always computed), an unknown code and a wrong
   second factor get the one same answer, and a try that matched hands its counts back.

## Telling the reporter

A subscription is made when a report becomes a case (intake calls `subscription_create`: an SMS for a reporter
who gave a phone and agreed, a LINE push for one who came through LINE or whose LINE id a partner gave), or later
by the LINE webhook (`line_user_subscribe`). Cases tells tracking of a new stage through
`cases.events.stage_change_register`, in the transaction of the change; `stage_notify` then queues one message
per subscription in the notify outbox, which commits with the change and which the worker sends.

The rules (docs/tracking.md):
- at most one message per stage per case and recipient: the outbox is idempotent on the message key
  `stage:<case id>:<stage>:<subscription id>`, so a stage reached twice (a reopened case) is not told again;
- the first stage ("received") is not sent: the channel itself told the reporter at submission;
- never at night for a non-emergency: from 22:00 to 07:00 Bangkok time the message is held until 07:00
  (`not_before`); an emergency's is sent at once;
- nothing personal and nothing of the case: the stage in plain Thai and in English, the tracking code, the link
  to the public tracking page and the 1300 number. The same for a case about a child.
"""

from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from raksa.accounts.models import User
from raksa.cases.models import Case, PublicStage, Urgency
from raksa.core.db import insert_unless_taken
from raksa.core.errors import RaksaError
from raksa.core.ids import normalize_tracking_code
from raksa.core.ratelimit import Limit, RateDecision, rate_check, rate_give_back, rate_take
from raksa.notify.services import message_queue
from raksa.notify.transports import transport_for
from raksa.tracking import factors
from raksa.tracking.errors import (
    TOO_MANY_TRACKING_FAILURES,
    TRACKING_CODE_INVALID,
    TRACKING_NO_MATCH,
    TRACKING_NOT_FOUND,
    TRACKING_SECRET_INVALID,
)
from raksa.tracking.models import Subscription
from raksa.tracking.selectors import Tracked, case_for_code, reporter_phones, tracked

log = logging.getLogger(__name__)

PURPOSE = "reporter_notice"
HOTLINE = "1300"
BANGKOK = ZoneInfo("Asia/Bangkok")
# Quiet hours, Bangkok time: a notice that is not an emergency's waits for the morning.
QUIET_FROM = dt.time(22, 0)
QUIET_UNTIL = dt.time(7, 0)
# Mobile numbers (06, 08, 09 and ten digits) take an SMS; a fixed line does not.
MOBILE_PREFIXES = ("06", "08", "09")

# Each stage after the first, as the notice says it: Thai (the tracking page's wording), then English.
STAGE_WORDS: dict[str, tuple[str, str]] = {
    PublicStage.SCREENING: (PublicStage.SCREENING.label, "is being checked"),
    PublicStage.FORWARDED: (PublicStage.FORWARDED.label, "has been passed to a help team"),
    PublicStage.ON_SCENE: (PublicStage.ON_SCENE.label, "staff are now on the scene"),
    PublicStage.IN_PROGRESS: (PublicStage.IN_PROGRESS.label, "help is under way"),
    PublicStage.REFERRED: (PublicStage.REFERRED.label, "has been passed to the agency concerned"),
    PublicStage.CLOSED: (PublicStage.CLOSED.label, "has been completed"),
}


def is_mobile(phone: str) -> bool:
    """Whether a phone in national form can take an SMS."""
    return len(phone) == 10 and phone.startswith(MOBILE_PREFIXES)


# ---------------------------------------------------------------------------------------------------------------
# subscriptions


def _address_check(transport: str, address: str) -> None:
    if transport not in Subscription.Transport.values:
        raise ValueError(f"reporter notices go by sms or line, not {transport!r}")
    transport_for(transport).check(to=address, payload={"text": "-"})
    if transport == Subscription.Transport.SMS and not is_mobile(address):
        raise ValueError(f"an SMS goes to a mobile number, not {address!r}")
    if transport == Subscription.Transport.LINE and not address.startswith("U"):
        raise ValueError(f"a notice goes to one LINE user, not a group or room: {address!r}")


def subscription_create(
    *,
    case: Case,
    transport: str,
    address: str,
    method: str,
    consented_at: dt.datetime | None = None,
    report_ref: str = "",
    recorded_by: User | None = None,
) -> Subscription:
    """Have `address` told by `transport` (sms, line) of each new public stage of `case`, from now on.

    Idempotent on (case, transport, address): a second consent leaves the first as the record, and starts again
    a subscription that was stopped. ValueError for an address the transport cannot reach (a fixed line for an
    SMS, a LINE group) or a method that is not one of Subscription.Method.
    """
    if method not in Subscription.Method.values:
        raise ValueError(f"unknown consent method {method!r}")
    _address_check(transport, address)
    subscription = Subscription(
        case=case,
        transport=transport,
        address=address,
        method=method,
        consented_at=consented_at or timezone.now(),
        report_ref=report_ref,
        recorded_by=recorded_by,
    )
    # Inserted unless the row exists, in one statement and without a savepoint: a racing insert of the same row
    # is skipped, not an error, so the caller's transaction stays usable.
    if insert_unless_taken(subscription):
        return subscription
    found = Subscription.objects.filter(case=case, transport=transport, address=address).first()
    if found is None:
        subscription.save(force_insert=True)  # refused, yet nothing holds it: let the real error show
        return subscription
    subscription = found
    if subscription.stopped_at is not None:
        subscription.stopped_at = None
        subscription.save(update_fields=["stopped_at", "updated_at"])
    return subscription


def line_user_subscribe(*, case: Case, line_user_id: str, report_ref: str = "") -> Subscription:
    """What the LINE webhook calls when a LINE user asks to follow a case (she sent its tracking code, or pressed
    "follow" under the answer to her report): a push to her at each new stage from now on."""
    return subscription_create(
        case=case,
        transport=Subscription.Transport.LINE,
        address=line_user_id,
        method=Subscription.Method.LINE_REQUEST,
        report_ref=report_ref,
    )


def subscriptions_stop(*, transport: str, address: str) -> int:
    """Tell this address nothing more, on any case (a LINE user who blocked the account, a reporter who asked us
    to stop); how many subscriptions stopped. Messages already queued still go."""
    now = timezone.now()
    return Subscription.objects.filter(transport=transport, address=address, stopped_at__isnull=True).update(
        stopped_at=now, updated_at=now
    )


# ---------------------------------------------------------------------------------------------------------------
# notices


def track_url(case: Case) -> str:
    return f"{settings.RAKSA_PUBLIC_URL}/track/?code={case.tracking_code}"


def notice_text(case: Case, stage: str) -> str:
    """The notice for a stage: the stage in Thai and in English, the tracking code, the link and 1300; nothing
    about the person or what happened, whoever the case is about."""
    thai, english = STAGE_WORDS[stage]
    code = case.tracking_code
    return (
        f"รักษา: เรื่อง {code} {thai}\n"
        f"Raksa: request {code} {english}.\n"
        f"ดูสถานะ / Status: {track_url(case)}\n"
        f"สอบถาม โทร / Call {HOTLINE}"
    )


def quiet_until(now: dt.datetime) -> dt.datetime | None:
    """07:00 Bangkok time next, when `now` is in the quiet hours (22:00-07:00 Bangkok); else None."""
    local = now.astimezone(BANGKOK)
    if QUIET_UNTIL <= local.time() < QUIET_FROM:
        return None
    morning = local.date() if local.time() < QUIET_UNTIL else local.date() + dt.timedelta(days=1)
    return dt.datetime.combine(morning, QUIET_UNTIL, tzinfo=BANGKOK)


def _urgent_now(case: Case) -> bool:
    return case.is_emergency or case.urgency == Urgency.EMERGENCY


def notice_key(case: Case, stage: str, subscription: Subscription) -> str:
    return f"stage:{case.pk}:{stage}:{subscription.pk}"


def stage_notify(case: Case, stage: str) -> int:
    """Queue the notice of `stage` to each of the case's subscriptions; how many were queued (or already were).

    Registered with cases' stage_change_register: called in the transaction that moved the case (in a savepoint
    of its own), so the messages commit with the move. One indexed look-up when nobody subscribed.
    """
    if stage not in STAGE_WORDS:
        return 0  # "received": the channel told the reporter when she sent it
    # In the order they were made: the model's own ordering would join the cases table for nothing.
    subscriptions = list(Subscription.objects.filter(case_id=case.pk, stopped_at__isnull=True).order_by("id"))
    if not subscriptions:
        return 0
    text = notice_text(case, stage)
    hold = None if _urgent_now(case) else quiet_until(timezone.now())
    for subscription in subscriptions:
        message_queue(
            key=notice_key(case, stage, subscription),
            transport=subscription.transport,
            to=subscription.address,
            payload={"text": text},
            purpose=PURPOSE,
            ref=str(case.pk),
            not_before=hold,
        )
    return len(subscriptions)


# ---------------------------------------------------------------------------------------------------------------
# the look-up and the PIN

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
    address = client or "unknown"
    if digits is None:
        # A code alone: 40 random bits are not guessed by trying, so a look-up that finds its case writes nothing
        # (every look-up from one address counting on one row would queue them all behind its lock). The address
        # is checked, and an unknown code counted against it.
        checked = rate_check(scope=SCOPE_ADDRESS, client=address, limits=_limits())
        if not checked.allowed:
            raise _too_many([checked])
        case = case_for_code(canonical)
        if case is None:
            rate_take(scope=SCOPE_ADDRESS, client=address, limits=_limits())
            raise TRACKING_NOT_FOUND.error()
        return tracked(case, verified=False)
    # A second factor (4 digits of a phone, a 6-digit PIN) can be guessed: every try is counted first, against
    # the address and the code, so guesses sent at once are held to the limit exactly.
    taken = [rate_take(scope=SCOPE_ADDRESS, client=address, limits=_limits())]
    if taken[0].allowed:
        # A code's own limit guards its second factor: without one, a code is found or not however often asked.
        taken.append(rate_take(scope=SCOPE_CODE, client=canonical, limits=_limits()))
    refused = [decision for decision in taken if not decision.allowed]
    if refused:
        raise _too_many(refused)
    case = case_for_code(canonical)
    matched = factors.secret_matches(
        phones=reporter_phones(canonical),
        stored_pin=case.tracking_pin if case is not None else "",
        secret=digits,
    )
    if case is None or not matched:
        raise TRACKING_NO_MATCH.error()
    for decision in taken:
        rate_give_back(decision)
    return tracked(case, verified=True)


def track_code_check(*, client: str) -> RateDecision:
    """For a look-up by code alone outside the page (a code typed in the LINE chat, `client` its LINE user):
    whether `client` is still within the page's limits for code-only look-ups (one read, nothing counted)."""
    return rate_check(scope=SCOPE_ADDRESS, client=client, limits=_limits())


def track_code_missed(*, client: str) -> None:
    """Count a code-only look-up by `client` that found nothing it may see, as the page counts an unknown code."""
    rate_take(scope=SCOPE_ADDRESS, client=client, limits=_limits())


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
