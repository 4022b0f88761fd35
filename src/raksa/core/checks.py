"""Deployment checks (`raksa check --deploy`): what must be set before real people's data goes in."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def raksa_deploy_checks(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    found: list[Warning] = []
    if settings.RAKSA_SECRET_KEY_IS_DEVELOPMENT:
        found.append(
            Warning(
                "RAKSA_SECRET_KEY is not set: sessions and tokens are signed with the public development key.",
                hint="Set RAKSA_SECRET_KEY to a long random value.",
                id="raksa.W001",
            )
        )
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        found.append(
            Warning(
                "The database is the SQLite file: fine for one machine, not for a national service.",
                hint="Set DATABASE_URL to PostgreSQL.",
                id="raksa.W002",
            )
        )
    if not settings.LINE_CHANNEL_SECRET or not settings.LINE_CHANNEL_ACCESS_TOKEN:
        found.append(
            Warning(
                "LINE_CHANNEL_SECRET / LINE_CHANNEL_ACCESS_TOKEN are not set: the LINE channel cannot work.",
                id="raksa.W003",
            )
        )
    if settings.RAKSA_BENCH_ENDPOINTS:
        found.append(
            Warning(
                "RAKSA_BENCH_ENDPOINTS is on: POST /bench/insert stores rows for anyone, without a login.",
                hint="Unset RAKSA_BENCH_ENDPOINTS; it is only for bench/intake_bench.py on a throw-away database.",
                id="raksa.W004",
            )
        )
    if settings.RAKSA_LINE_SIMULATOR:
        found.append(
            Warning(
                "RAKSA_LINE_SIMULATOR is on: /line/simulator/ lets anyone send signed LINE events to the webhook.",
                hint="Unset RAKSA_LINE_SIMULATOR; it is only for make run with the LINE stand-in.",
                id="raksa.W005",
            )
        )
    return found
