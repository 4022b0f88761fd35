"""The background worker: django-tasks-db's own loop, run in this process, and the apps' periodic sweeps.

A sweep is a function that finds, in the database, the work whose time has come (a report nobody processed, a
timer that fell due) and does it. An app declares its sweeps on its AppConfig:

    sweeps = (("raksa.intake.services.report_sweep", 15),)   # dotted path, seconds between runs

Sweeps need no row per item of future work (a task per report would be one more insert on every submit), and
what they pick up is the state itself, so nothing can be forgotten between a commit and an enqueue. Each sweep
must be safe to run in two workers at once: it claims each item with a conditional update before acting.
The worker runs each in a daemon thread of its own beside the task loop; `--batch` runs each once, then the tasks.

The database may go away under a running worker (a restart, a failover, a dropped connection): a sweep's pass
fails, its broken connection is closed before the next pass, and the task loop waits a moment and reconnects.
The worker never exits for it; what was due is still in the database and is done once it is back.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import InterfaceError, OperationalError, close_old_connections, connection
from django.utils.module_loading import import_string
from django_tasks_db.management.commands.db_worker import Worker

log = logging.getLogger(__name__)

# Seconds the task loop waits before reconnecting after the database went away: doubling, up to the last.
RECONNECT_WAITS = (0.5, 1.0, 2.0, 5.0)


@dataclass(frozen=True)
class Sweep:
    path: str
    every: float
    run: Callable[[], object]


def sweeps_declared() -> list[Sweep]:
    found = []
    for config in apps.get_app_configs():
        for path, every in getattr(config, "sweeps", ()):
            found.append(Sweep(path=path, every=float(every), run=import_string(path)))
    return found


def sweeps_run_once() -> None:
    """Run every declared sweep once, now (the worker's batch mode, and tests)."""
    for sweep in sweeps_declared():
        _sweep(sweep)


def _sweep(sweep: Sweep) -> None:
    try:
        sweep.run()
    except (OperationalError, InterfaceError) as exc:  # gone: one line a pass, not a traceback
        log.warning("sweep %s: the database is unreachable (%s); next pass reconnects", sweep.path, exc)
    except Exception:  # a failing sweep is logged and tried again next time; it must not stop the worker
        log.exception("sweep %s failed", sweep.path)


def priority_lower() -> None:
    """Lower this thread's CPU priority by RAKSA_WORKER_NICE, for it and the threads it starts (the sweeps, the
    outbox's senders): on Linux a nice value belongs to a thread and is inherited by the threads it makes, so
    `raksa serve`'s own thread, which watches the web processes, keeps its priority. When the CPUs are all busy
    the web processes go first; when they are not, nothing changes (see settings.RAKSA_WORKER_NICE)."""
    step = settings.RAKSA_WORKER_NICE
    if not step or not hasattr(os, "nice"):
        return
    try:
        os.nice(step)
    except OSError as exc:  # a platform or sandbox that refuses it: the worker runs as it is
        log.warning("worker: could not lower its priority (%s)", exc)


class RaksaWorker(Worker):
    """django-tasks-db's worker, with each sweep in a thread of its own (a slow one never holds up another).

    `swept[path]` is set once that sweep has made a pass, for whoever must know the worker is at work.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.swept = {sweep.path: threading.Event() for sweep in sweeps_declared()}

    def run(self) -> None:
        if self.batch:
            sweeps_run_once()
        else:
            priority_lower()
            for sweep in sweeps_declared():
                name = f"raksa-sweep-{sweep.path.rsplit('.', 1)[-1]}"
                threading.Thread(target=self._sweep_loop, args=(sweep,), name=name, daemon=True).start()
        failures = 0
        while True:
            try:
                super().run()
                return
            except (OperationalError, InterfaceError) as exc:
                if not self.running:
                    return
                wait = RECONNECT_WAITS[min(failures, len(RECONNECT_WAITS) - 1)]
                failures += 1
                log.warning("worker: the database is unreachable (%s); reconnecting in %.1f s", exc, wait)
                self._drop_connection()
                time.sleep(wait)

    @staticmethod
    def _drop_connection() -> None:
        with contextlib.suppress(OperationalError, InterfaceError):  # already gone: the next query opens anew
            connection.close()

    def _sweep_loop(self, sweep: Sweep) -> None:
        while self.running:
            began = time.monotonic()
            close_old_connections()
            _sweep(sweep)
            self.swept[sweep.path].set()
            time.sleep(max(0.0, sweep.every - (time.monotonic() - began)))
        connection.close()


def build_worker(*, interval: float = 0.5, batch: bool = False) -> RaksaWorker:
    return RaksaWorker(
        queue_names=["*"],
        interval=interval,
        batch=batch,
        backend_name="default",
        startup_delay=not batch,
        max_tasks=None,
        worker_id=f"{socket.gethostname()}-{os.getpid()}",
        excluded_queue_names=[],
    )
