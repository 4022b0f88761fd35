"""Per-client rate limits that hold across every web process: counters in the database, fixed windows.

`rate_take` counts one request against each limit and says whether all of them still allow it; a caller that
ends up not doing the thing it counted (bad input, a repeat of a request already answered) hands the count back
with `rate_give_back`. The increment is one UPDATE ... RETURNING of the window's row (its row lock orders concurrent requests
on PostgreSQL; SQLite's IMMEDIATE transactions do the same), so two processes never both see the last free slot.

Windows are fixed and aligned to the epoch (a 10-minute window starts at :00, :10, ...; a day at 00:00 UTC):
a client can spend one window's allowance just before its end and the next one's just after, which is the
usual price of a counter that is one row. Keys are HMACs of the client's address with the secret key, so the
table never holds an address; rows of ended windows are deleted when a new window's row is first made.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from raksa.core.models import RateCount


@dataclass(frozen=True)
class Limit:
    """At most `count` requests in each window of `seconds`."""

    count: int
    seconds: int


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    # Seconds until every exhausted window has ended (0 when allowed): the answer's Retry-After.
    retry_after: int
    counted: tuple[tuple[str, str, int, dt.datetime], ...] = ()


def rate_key(value: str) -> str:
    """A keyed hash of a client's address: stable across processes, useless to anyone without the secret key."""
    digest = hmac.new(settings.SECRET_KEY.encode("utf-8"), value.encode("utf-8"), hashlib.sha256)
    return digest.hexdigest()[:64]


def _window_start(now: dt.datetime, seconds: int) -> dt.datetime:
    epoch = int(now.timestamp())
    return dt.datetime.fromtimestamp(epoch - epoch % seconds, tz=dt.UTC)


def _increment(scope: str, key: str, seconds: int, start: dt.datetime) -> int:
    """Count one in the window's row and answer its count, this request included and no later one.

    One `UPDATE ... RETURNING` (PostgreSQL, and SQLite from 3.35): the count read is the one this statement wrote,
    under the row's lock. Only the first request of a window makes its row (and clears ended windows' rows).
    """
    table = connection.ops.quote_name(RateCount._meta.db_table)
    count = connection.ops.quote_name("count")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {count} = {count} + 1 "  # noqa: S608 (names from the model, values as parameters)
            f"WHERE scope = %s AND {connection.ops.quote_name('key')} = %s AND seconds = %s AND window_start = %s "
            f"RETURNING {count}",
            [scope, key, seconds, connection.ops.adapt_datetimefield_value(start)],
        )
        row = cursor.fetchone()
    if row is not None:
        return int(row[0])
    rows = RateCount.objects.filter(scope=scope, key=key, seconds=seconds, window_start=start)
    try:
        with transaction.atomic():
            RateCount.objects.create(scope=scope, key=key, seconds=seconds, window_start=start, count=1)
    except IntegrityError:  # another request of this client opened the window a moment ago
        rows.update(count=F("count") + 1)
        return rows.values_list("count", flat=True).get()
    RateCount.objects.filter(seconds=seconds, window_start__lt=start).delete()
    return 1


def rate_take(
    *, scope: str, client: str, limits: Sequence[Limit], now: dt.datetime | None = None
) -> RateDecision:
    """Count one request of `client` (an address) in `scope` against every limit.

    Refused requests are counted too: a client that keeps knocking stays refused until its windows end.
    """
    now = now or timezone.now()
    key = rate_key(client)
    counted = []
    retry_after = 0
    with transaction.atomic():  # every limit in one transaction: one commit, not one per limit
        for limit in limits:
            start = _window_start(now, limit.seconds)
            count = _increment(scope, key, limit.seconds, start)
            counted.append((scope, key, limit.seconds, start))
            if count > limit.count:
                ends = start + dt.timedelta(seconds=limit.seconds)
                retry_after = max(retry_after, max(1, int((ends - now).total_seconds() + 0.999)))
    return RateDecision(allowed=retry_after == 0, retry_after=retry_after, counted=tuple(counted))


def rate_check(
    *, scope: str, client: str, limits: Sequence[Limit], now: dt.datetime | None = None
) -> RateDecision:
    """Whether `client` is still allowed in `scope`, counting nothing: one read of its current windows.

    For requests that count only when they fail (`rate_take` after the failure): a hot path that writes nothing.
    Requests sent at once all pass a check made before any of them failed, so use `rate_take` first wherever an
    allowance must hold exactly under concurrent guessing.
    """
    now = now or timezone.now()
    key = rate_key(client)
    starts = {limit.seconds: _window_start(now, limit.seconds) for limit in limits}
    rows = RateCount.objects.filter(scope=scope, key=key, seconds__in=list(starts)).values_list(
        "seconds", "window_start", "count"
    )
    counts = {seconds: count for seconds, start, count in rows if start == starts.get(seconds)}
    retry_after = 0
    for limit in limits:
        if counts.get(limit.seconds, 0) >= limit.count:
            ends = starts[limit.seconds] + dt.timedelta(seconds=limit.seconds)
            retry_after = max(retry_after, max(1, int((ends - now).total_seconds() + 0.999)))
    return RateDecision(allowed=retry_after == 0, retry_after=retry_after)


def rate_give_back(decision: RateDecision) -> None:
    """Hand back what `rate_take` counted, for a request that in the end did nothing worth counting."""
    for scope, key, seconds, start in decision.counted:
        RateCount.objects.filter(
            scope=scope, key=key, seconds=seconds, window_start=start, count__gt=0
        ).update(count=F("count") - 1)
