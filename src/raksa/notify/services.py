"""Writes on the outbox: queue a message, sweep the outbox, tell the caller's app how it went.

A caller queues inside its own transaction (`message_queue`): the message exists exactly when the caller's change
does, and nothing is sent before that commits. The worker's sweep (`outbox_sweep`, four times a second) then
sends what is due. It claims each message with one conditional UPDATE before sending it, so two workers never
send the same message at once, and a worker that dies mid-send leaves a claim that runs out (its lease), after
which another sweep sends the message again. Transports make that resend harmless where the provider allows:
LINE's retry key, the SMS gateway's and the webhooks' Idempotency-Key are the same on every attempt.

No transaction or row lock is held while a transport talks to the network: the claim, and later the result, are
each one short statement of their own. Sends run in a small pool of threads (RAKSA_NOTIFY_CONCURRENCY) so one
slow gateway does not hold up an alert to a LINE group; only the sweep's own thread touches the database.

Higher apps learn the outcome without notify importing them: `outcome_handler_register(purpose, fn)`, called with
(message, "sent") or (message, "failed") once that state is committed.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from raksa.core.db import insert_unless_taken
from raksa.notify.models import Message
from raksa.notify.transports import TransportError, transport_for, transport_kinds

log = logging.getLogger(__name__)

KEY_MAX = 200
PURPOSE_MAX = 64
REF_MAX = 100
TO_MAX = 1000
ERROR_MAX = 2000
# While sends are in flight the sweep looks for newly due messages this often, so an alert queued behind a slow
# one is not kept waiting for it.
POLL_SECONDS = 0.25

SENT = Message.State.SENT.value
FAILED = Message.State.FAILED.value

OutcomeHandler = Callable[[Message, str], object]
_handlers: dict[str, list[OutcomeHandler]] = {}


def outcome_handler_register(purpose: str, fn: OutcomeHandler) -> None:
    """Have `fn(message, outcome)` called when a message of this purpose is sent ("sent") or given up ("failed").

    Called from an app's `ready()`; registering the same function twice for a purpose calls it once. The handler
    runs in the sweep after the new state is committed, in a transaction of its own: if it raises, its writes are
    rolled back and the error logged, and the message keeps its state (it is not sent again). A handler is told
    at most once; a process that dies between the two tells nobody, so the caller's own timers stay its safety
    net.
    """
    registered = _handlers.setdefault(purpose, [])
    if fn not in registered:
        registered.append(fn)


def outcome_handler_unregister(purpose: str, fn: OutcomeHandler) -> None:
    """Undo `outcome_handler_register` (for tests that register a handler of their own)."""
    registered = _handlers.get(purpose, [])
    if fn in registered:
        registered.remove(fn)


def _tell(message_id: int, outcome: str) -> None:
    message = Message.objects.get(pk=message_id)
    for fn in list(_handlers.get(message.purpose, ())):
        try:
            with transaction.atomic():
                fn(message, outcome)
        except Exception:  # a caller's bug must not undo the outbox's record or stop the sweep
            log.exception("notify: outcome handler %r failed for message %s (%s)", fn, message.key, outcome)


def message_queue(
    *,
    key: str,
    transport: str,
    to: str,
    payload: dict[str, Any],
    purpose: str = "",
    ref: str = "",
    not_before: dt.datetime | None = None,
) -> Message:
    """Queue one message for the sweep to send, inside the caller's transaction; the message with this key.

    Idempotent on `key`: queueing a key already queued returns that message as it is (the first payload wins,
    whatever its state), and never breaks the caller's transaction, even when two transactions queue the same
    key at once. The transport checks the recipient and the payload first: what it could never send is refused
    here with ValueError, not failed later.

    `not_before` holds the message until then (a notice that must not wake anyone at night): it is the
    message's first `next_attempt_at`, so the sweep leaves it alone until that time, as it does a retry.
    """
    if not key or len(key) > KEY_MAX:
        raise ValueError(f"key must be 1 to {KEY_MAX} characters")
    if transport not in transport_kinds():
        raise ValueError(f"unknown transport {transport!r}; known: {', '.join(transport_kinds())}")
    if not isinstance(payload, dict):
        raise ValueError("payload must be a dict")
    if len(to) > TO_MAX or len(purpose) > PURPOSE_MAX or len(ref) > REF_MAX:
        raise ValueError(f"to, purpose and ref hold at most {TO_MAX}, {PURPOSE_MAX} and {REF_MAX} characters")
    if not_before is not None and timezone.is_naive(not_before):
        raise ValueError("not_before must be an aware datetime")
    transport_for(transport).check(to=to, payload=payload)
    message = Message(
        key=key,
        transport=transport,
        to=to,
        payload=payload,
        purpose=purpose,
        ref=ref,
        next_attempt_at=not_before,
    )
    # Inserted unless the key is taken, in one statement and without a savepoint: a key queued by another
    # transaction at the same moment is skipped, not an error, so the caller's transaction goes on unharmed.
    if insert_unless_taken(message):
        return message
    existing = Message.objects.filter(key=key).first()
    if existing is not None:
        return existing
    message.save(force_insert=True)  # nothing holds the key, yet the row was refused: let the real error show
    return message


def _due(now: dt.datetime) -> Q:
    waiting = Q(state=Message.State.PENDING) & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    abandoned = Q(state=Message.State.SENDING, claimed_until__lte=now)  # its worker died mid-send
    return waiting | abandoned


def backoff_seconds(attempts: int) -> int:
    """How long to wait after the `attempts`-th attempt failed: RAKSA_NOTIFY_BACKOFF_SECONDS, doubling with
    each attempt (10 s, 20 s, 40 s ...), at most RAKSA_NOTIFY_BACKOFF_MAX_SECONDS."""
    base = settings.RAKSA_NOTIFY_BACKOFF_SECONDS
    ceiling = settings.RAKSA_NOTIFY_BACKOFF_MAX_SECONDS
    return int(min(ceiling, base * 2 ** min(max(attempts - 1, 0), 30)))


@dataclass(frozen=True)
class _Claim:
    message: Message
    attempts: int  # the attempt this claim is: our results apply only while the row still says so


def _claim(pk: int, now: dt.datetime) -> _Claim | None:
    lease = now + dt.timedelta(seconds=settings.RAKSA_NOTIFY_LEASE_SECONDS)
    changed = Message.objects.filter(_due(now), pk=pk).update(
        state=Message.State.SENDING,
        claimed_until=lease,
        attempts=F("attempts") + 1,
        updated_at=timezone.now(),
    )
    if changed != 1:
        return None  # another worker has it, or it was sent a moment ago
    message = Message.objects.get(pk=pk)
    return _Claim(message=message, attempts=message.attempts)


def _claim_due(now: dt.datetime, limit: int, busy: set[int]) -> list[_Claim]:
    due = Message.objects.filter(_due(now)).exclude(pk__in=busy).order_by("created_at", "id")
    claims = []
    for pk in list(due.values_list("pk", flat=True)[:limit]):
        claim = _claim(pk, now)
        if claim is not None:
            claims.append(claim)
    return claims


_GAVE_UP = TransportError(
    "the worker stopped during the last allowed attempt; it may or may not have been delivered",
    permanent=True,
)


def _unexpected(exc: BaseException) -> TransportError:
    return TransportError(f"unexpected error: {exc!r}", permanent=False)


def _send(message: Message) -> str:
    """In a pool thread: the network only, never the database."""
    try:
        return transport_for(message.transport).send(message)
    except TransportError:
        raise
    except Exception as exc:  # a bug, or a library's surprise: retried like a transient error, and logged
        log.exception("notify: sending %s failed unexpectedly", message.key)
        raise _unexpected(exc) from exc


def _finish(claim: _Claim, **fields: Any) -> bool:
    """Apply a result while the claim is still ours (a claim that ran out may have passed to another worker)."""
    fields.update(claimed_until=None, updated_at=timezone.now())
    mine = Message.objects.filter(pk=claim.message.pk, state=Message.State.SENDING, attempts=claim.attempts)
    if mine.update(**fields) == 1:
        return True
    log.warning(
        "notify: the claim on %s ran out before its result came; left to its new owner", claim.message.key
    )
    return False


def _record(
    claim: _Claim, *, provider_ref: str | None, error: TransportError | None, now: dt.datetime
) -> None:
    if error is None:
        if _finish(claim, state=SENT, sent_at=now, provider_ref=(provider_ref or "")[:200], last_error=""):
            _outcome(claim.message.pk, SENT)
        return
    reason = str(error)[:ERROR_MAX]
    if error.permanent or claim.attempts >= settings.RAKSA_NOTIFY_MAX_ATTEMPTS:
        if _finish(claim, state=FAILED, next_attempt_at=None, last_error=reason):
            log.warning(
                "notify: %s failed after %d attempt(s): %s", claim.message.key, claim.attempts, reason
            )
            _outcome(claim.message.pk, FAILED)
        return
    retry_at = now + dt.timedelta(seconds=backoff_seconds(claim.attempts))
    _finish(claim, state=Message.State.PENDING, next_attempt_at=retry_at, last_error=reason)


def _outcome(message_id: int, outcome: str) -> None:
    # At once in autocommit (the worker); at the commit of the caller's transaction otherwise.
    transaction.on_commit(lambda: _tell(message_id, outcome))


@contextmanager
def _pool(size: int) -> Iterator[ThreadPoolExecutor]:
    pool = ThreadPoolExecutor(max_workers=size, thread_name_prefix="raksa-notify-send")
    try:
        yield pool
    finally:
        pool.shutdown(wait=True)


def outbox_sweep(*, now: dt.datetime | None = None) -> int:
    """The worker's pass over the outbox: send what is due, oldest first; how many messages it took.

    Due: pending messages whose next attempt has come (or was never set), and messages left `sending` whose
    claim has run out (their worker died mid-send). Each is claimed with a conditional UPDATE that must change
    exactly one row (state sending, attempts + 1, claimed until now + RAKSA_NOTIFY_LEASE_SECONDS), else it is
    skipped: another worker has it. Then it is sent, outside any transaction, and its result recorded: sent (with
    the provider's reference); back to pending after a transient error, to be tried again after a wait that
    doubles with each attempt; failed after a permanent error or when the last of RAKSA_NOTIFY_MAX_ATTEMPTS
    failed. At most RAKSA_NOTIFY_BATCH messages per pass. `now` fixes the clock (tests); else the real one.

    Run it outside a transaction, as the worker does: inside one, the claims would stay invisible to other
    workers and the transaction would stay open across the network.
    """

    def clock() -> dt.datetime:
        return now if now is not None else timezone.now()

    concurrency = settings.RAKSA_NOTIFY_CONCURRENCY
    batch = settings.RAKSA_NOTIFY_BATCH
    taken = 0
    in_flight: dict[Future[str], _Claim] = {}
    claims = _claim_due(clock(), min(concurrency, batch), set())
    if not claims:
        return 0  # the common case, four times a second: one indexed query, no threads
    with _pool(concurrency) as pool:
        while True:
            for claim in claims:
                if claim.attempts > settings.RAKSA_NOTIFY_MAX_ATTEMPTS:
                    # Claimed again after its worker died during the last allowed attempt.
                    _record(claim, provider_ref=None, error=_GAVE_UP, now=clock())
                else:
                    in_flight[pool.submit(_send, claim.message)] = claim
                taken += 1
            if not in_flight:
                break
            done, _ = wait(in_flight, timeout=POLL_SECONDS, return_when=FIRST_COMPLETED)
            for future in done:
                claim = in_flight.pop(future)
                raised = future.exception()
                if raised is None:
                    _record(claim, provider_ref=future.result(), error=None, now=clock())
                else:
                    error = raised if isinstance(raised, TransportError) else _unexpected(raised)
                    _record(claim, provider_ref=None, error=error, now=clock())
            room = min(concurrency - len(in_flight), batch - taken)
            busy = {claim.message.pk for claim in in_flight.values()}
            claims = _claim_due(clock(), room, busy) if room > 0 else []
    return taken
