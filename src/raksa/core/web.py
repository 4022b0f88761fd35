"""The web processes of `raksa serve`: gunicorn's pre-forked workers, each with a few threads.

`raksa serve` binds the listening socket and starts this module as its child (`python -m raksa.core.web FD
PROCESSES THREADS SERVE_PID`), so the web side is one gunicorn arbiter with its workers, and the background worker stays
a single one, in the parent. gunicorn's master restarts a web process that dies and stops them all on SIGTERM
(gracefully) or SIGINT (at once).
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from collections.abc import Callable
from typing import Any

from gunicorn.app.base import BaseApplication

# A request waits this long for the others to finish on SIGTERM before its process is stopped.
GRACEFUL_SECONDS = 10


def _stop_with(parent_pid: int) -> Callable[[Any], None]:
    def on_starting(server: Any) -> None:
        """Linux: the arbiter gets SIGTERM if `raksa serve` dies without stopping it (killed with SIGKILL)."""
        if not sys.platform.startswith("linux"):
            return
        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)
        if os.getppid() != parent_pid:  # it died before prctl took effect
            os.kill(os.getpid(), signal.SIGTERM)

    return on_starting


def _close_inherited_connections(server: Any, worker: Any) -> None:
    # The application was loaded once in the arbiter; a database connection must never be shared across fork.
    from django.db import connections

    connections.close_all()


class WebServer(BaseApplication):
    def __init__(self, *, fd: int, processes: int, threads: int, parent_pid: int) -> None:
        self.options = {
            "bind": [f"fd://{fd}"],
            "workers": processes,
            "worker_class": "gthread",
            "threads": threads,
            # Load Django once in the arbiter: the workers share its memory, and a broken app stops start-up.
            "preload_app": True,
            "graceful_timeout": GRACEFUL_SECONDS,
            "keepalive": 5,
            "proc_name": "raksa-web",
            "errorlog": "-",
            "loglevel": os.environ.get("RAKSA_LOG_LEVEL", "INFO").lower(),
            # Several `raksa serve` may run on one machine (tests, benches): no shared control socket.
            "control_socket_disable": True,
            "on_starting": _stop_with(parent_pid),
            "post_fork": _close_inherited_connections,
        }
        super().__init__()

    def load_config(self) -> None:
        assert self.cfg is not None
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from django.apps import apps
        from django.urls import get_resolver
        from django.utils.module_loading import import_string

        from raksa.triage import triage_warm
        from raksa.wsgi import application

        get_resolver().url_patterns  # noqa: B018 (import every view once, here, rather than in each worker)
        triage_warm()  # every web process starts with the triage model and place indexes already loaded
        # And whatever else an app loads once (dispatch's district outlines): `warm = ("dotted.path",)` on its
        # AppConfig, so core needs no import of the apps above it.
        for config in apps.get_app_configs():
            for path in getattr(config, "warm", ()):
                import_string(path)()
        return application


def main(argv: list[str]) -> None:
    fd, processes, threads, parent_pid = (int(value) for value in argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "raksa.settings")
    WebServer(fd=fd, processes=processes, threads=threads, parent_pid=parent_pid).run()


if __name__ == "__main__":
    main(sys.argv[1:])
