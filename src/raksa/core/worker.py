"""The background worker: django-tasks-db's own loop, run in this process."""

from __future__ import annotations

import os
import socket

from django_tasks_db.management.commands.db_worker import Worker


def build_worker(*, interval: float = 0.5, batch: bool = False) -> Worker:
    return Worker(
        queue_names=["*"],
        interval=interval,
        batch=batch,
        backend_name="default",
        startup_delay=not batch,
        max_tasks=None,
        worker_id=f"{socket.gethostname()}-{os.getpid()}",
        excluded_queue_names=[],
    )
