"""Reads on intake: reports, failed reports, and the open emergencies a new one may belong to."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

from django.conf import settings
from django.db.models import QuerySet

from raksa.cases.access import cases_visible_to
from raksa.cases.models import Case, Status
from raksa.intake.models import Report

EARTH_RADIUS_M = 6_371_000


def report_get(*, public_id: str) -> Report | None:
    return Report.objects.filter(public_id=public_id).select_related("case", "case__owning_unit").first()


def reports_failed() -> QuerySet[Report]:
    return Report.objects.filter(state=Report.State.FAILED).order_by("next_attempt_at", "id")


def case_reports(*, case: Case) -> list[Report]:
    """Every report attached to the case, oldest first (a joined incident has several)."""
    return list(Report.objects.filter(case=case).order_by("created_at", "id"))


def distance_m(
    lat1: Decimal | float, lon1: Decimal | float, lat2: Decimal | float, lon2: Decimal | float
) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(float(lat1)), math.radians(float(lat2))
    dp, dl = p2 - p1, math.radians(float(lon2) - float(lon1))
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def incident_candidates(*, case: Case, user: object = None) -> list[tuple[Case, float]]:
    """Open emergencies of the same type within RAKSA_INCIDENT_JOIN_METERS and RAKSA_INCIDENT_JOIN_MINUTES of
    `case`, nearest first, with their distance in metres; only cases `user` may see, when a user is given.

    A bounding box on the indexed coordinates narrows the rows; the exact distance is computed here.
    """
    if (
        not case.emergency_type
        or case.latitude is None
        or case.longitude is None
        or case.status == Status.CLOSED
    ):
        return []
    meters: int = settings.RAKSA_INCIDENT_JOIN_METERS
    window = dt.timedelta(minutes=settings.RAKSA_INCIDENT_JOIN_MINUTES)
    dlat = Decimal(meters / 111_000)
    dlon = Decimal(meters / (111_000 * max(math.cos(math.radians(float(case.latitude))), 0.01)))
    rows = (
        Case.objects.filter(
            emergency_type=case.emergency_type,
            created_at__gte=case.created_at - window,
            created_at__lte=case.created_at + window,
            latitude__gte=case.latitude - dlat,
            latitude__lte=case.latitude + dlat,
            longitude__gte=case.longitude - dlon,
            longitude__lte=case.longitude + dlon,
        )
        .exclude(status=Status.CLOSED)
        .exclude(pk=case.pk)
    )
    if user is not None:
        rows = rows.filter(pk__in=cases_visible_to(user).values("pk"))
    found = []
    for other in rows.select_related("owning_unit")[:50]:
        if other.latitude is None or other.longitude is None:
            continue
        meters_away = distance_m(case.latitude, case.longitude, other.latitude, other.longitude)
        if meters_away <= meters:
            found.append((other, meters_away))
    return sorted(found, key=lambda pair: (pair[1], pair[0].created_at))
