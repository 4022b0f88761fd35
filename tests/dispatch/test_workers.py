"""Alerts with real worker processes, as a deployment runs them (`raksa worker`, M of them against one database):
two workers never send one alert twice, and a worker killed mid-send (SIGKILL) leaves its alert to be sent after a
restart, exactly once. SQLite by default, PostgreSQL with DATABASE_URL (the CI's second run)."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
from collections import Counter
from pathlib import Path

import dj_database_url
import psycopg
import pytest

from raksa.notify.standins import LineStandIn
from tests.core.serving import RAKSA, raksa, throwaway_env

EMERGENCIES = 24
GROUPS = [f"C{n:032x}" for n in range(1, 5)]

# Four Bangkok-area field units, each with its own on-call LINE group, and the emergencies they are sent.
SETUP = """
from raksa.cases.services import case_create
from raksa.directory.models import Agency, Contact, ServiceArea, Unit
from raksa.dispatch.services import dispatch_request
centre_agency = Agency.objects.create(code="centre", name_th="ศูนย์", name_en="Centre", kind="centre")
Unit.objects.create(code="centre-1300", agency=centre_agency, name_th="ศูนย์ 1300", name_en="1300", kind="centre")
groups = {groups!r}
provinces = ["10", "11", "12", "13"]
for group, province in zip(groups, provinces):
    unit = Unit.objects.create(code="rru-" + province, agency=centre_agency, name_th="ทีม " + province,
                               name_en="Team " + province, kind="rapid_response", province_code=province)
    ServiceArea.objects.create(unit=unit, area_code=province)
    Contact.objects.create(unit=unit, kind="line_group", value=group, on_call=True, priority=10)
for i in range({count}):
    case = case_create(actor=None, channel="web", summary="เหตุ %d" % i, emergency_type="threat",
                       province_code=provinces[i % 4])
    dispatch_request(case=case)
print("ready")
"""


# One more emergency for the unit SETUP made, from another process (as a web process would add it).
ANOTHER = """
from raksa.cases.services import case_create
from raksa.dispatch.services import dispatch_request
dispatch_request(case=case_create(actor=None, channel="web", summary="เหตุอีกครั้ง", emergency_type="frenzy",
                                  province_code="10"))
"""


def terminate_connections(url: str) -> int:
    """End every other connection to the database at `url`, as the server does when it restarts; how many."""
    config = dj_database_url.parse(url)
    with psycopg.connect(
        host=config["HOST"],
        port=config["PORT"] or 5432,
        user=config["USER"],
        dbname="postgres",
        autocommit=True,
    ) as admin:
        rows = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [config["NAME"]],
        ).fetchall()
    return sum(1 for (done,) in rows if done)


def workers(env: dict[str, str], count: int) -> list[subprocess.Popen]:
    return [
        subprocess.Popen(
            [*RAKSA, "worker", "--interval", "0.1"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        for _ in range(count)
    ]


def counting(line: LineStandIn, enough: int) -> threading.Event:
    """An event the stand-in sets when it has been sent `enough` pushes (answered or not)."""
    reached = threading.Event()
    count = [0]
    lock = threading.Lock()

    def hook(request) -> None:
        with lock:
            count[0] += 1
            if count[0] >= enough:
                reached.set()

    line.before_answer = hook
    return reached


def stop_all(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
    for proc in procs:
        try:
            proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()


class WorkerProcessTests:
    def env_with(self, env: dict[str, str], line: LineStandIn) -> dict[str, str]:
        return {
            **env,
            "LINE_API_BASE": line.base_url,
            "LINE_CHANNEL_ACCESS_TOKEN": line.token,
            # A short claim, so a killed worker's alert is taken over within seconds.
            "RAKSA_NOTIFY_TIMEOUT_SECONDS": "1",
            "RAKSA_NOTIFY_LEASE_SECONDS": "3",
        }

    def test_two_workers_send_each_alert_exactly_once(self, tmp_path: Path):
        with throwaway_env(tmp_path) as base, LineStandIn() as line:
            env = self.env_with(base, line)
            raksa("migrate", "--no-input", env=env)
            raksa("shell", "-c", SETUP.format(groups=GROUPS, count=EMERGENCIES), env=env)
            all_sent = counting(line, EMERGENCIES)
            procs = workers(env, 2)
            try:
                assert all_sent.wait(60), "the workers did not send every alert"
            finally:
                stop_all(procs)  # stopped, they have sent all they ever will: a second copy would be here now
            received = line.received()
            assert len(received) == EMERGENCIES
            per_group = Counter(item["to"] for item in received)
            assert per_group == dict.fromkeys(GROUPS, EMERGENCIES // 4)
            texts = [m.get("altText", "") for item in received for m in item["messages"]]
            assert len(set(texts)) == EMERGENCIES  # one alert per case, none twice

    def test_an_alert_cut_off_by_a_killed_worker_goes_out_after_the_restart_once(self, tmp_path: Path):
        with throwaway_env(tmp_path) as base, LineStandIn() as line:
            env = self.env_with(base, line)
            raksa("migrate", "--no-input", env=env)
            raksa("shell", "-c", SETUP.format(groups=GROUPS[:1], count=1), env=env)
            in_flight = threading.Event()
            release = threading.Event()

            def hold_first(request) -> None:
                if not in_flight.is_set():
                    in_flight.set()
                    release.wait(10)  # the worker is killed while its request waits here

            line.before_answer = hold_first
            [first] = workers(env, 1)
            try:
                assert in_flight.wait(60), "the first worker never sent the alert"
                os.killpg(first.pid, signal.SIGKILL)
                first.communicate(timeout=30)
            finally:
                release.set()
            resent = counting(line, 1)
            [second] = workers(env, 1)
            try:
                # The cut-off request was accepted by LINE after all; the restart sends it again with the same
                # retry key, and LINE (here its stand-in) takes it as the one already accepted.
                assert resent.wait(60), "the restarted worker never sent the alert again"
            finally:
                stop_all([second])
            assert len(line.received()) == 1
            keys = {r.headers.get("x-line-retry-key") for r in line.requests}
            assert len(keys) == 1 and None not in keys

    @pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
        reason="a database server to cut off: the PostgreSQL run",
    )
    def test_a_worker_whose_database_restarts_reconnects_and_goes_on(self, tmp_path: Path):
        with throwaway_env(tmp_path) as base, LineStandIn() as line:
            env = self.env_with(base, line)
            raksa("migrate", "--no-input", env=env)
            raksa("shell", "-c", SETUP.format(groups=GROUPS[:1], count=1), env=env)
            first = counting(line, 1)
            [worker] = workers(env, 1)
            try:
                assert first.wait(60), "the worker never sent the first alert"
                # What a restart does to a client: the server ends every connection to the database.
                assert terminate_connections(env["DATABASE_URL"]) >= 1, "the worker held no connection to cut"
                second = counting(line, 1)
                raksa("shell", "-c", ANOTHER, env=env)
                assert second.wait(60), "the worker sent nothing after the database came back"
                assert worker.poll() is None, "the worker exited when its database went away"
            finally:
                stop_all([worker])
            received = line.received()
            assert len(received) == 2
            texts = {m.get("altText", "") for item in received for m in item["messages"]}
            assert len(texts) == 2
