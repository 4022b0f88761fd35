"""`raksa serve`: what `make run` starts. Several web processes, one background worker, its timers.

This process binds the port, hands the socket to a gunicorn arbiter (`raksa.core.web`, a child) that pre-forks
the web processes, and runs the background worker itself, in a thread: one worker however many web processes
there are, so a task is never claimed by a web process. SIGINT (Ctrl-C) or SIGTERM stops the web processes
(gracefully on SIGTERM) and the worker, and waits for them; if either side dies, the other is stopped too and
the command fails, so a supervisor sees it.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from raksa.core.web import GRACEFUL_SECONDS
from raksa.core.worker import build_worker

DEFAULT_THREADS = 4
BACKLOG = 2048  # connections the kernel holds while every thread is busy, instead of refusing them


def default_processes() -> int:
    """Two web processes per CPU this process may use, plus one (gunicorn's advice)."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cpus = os.cpu_count() or 1
    return 2 * cpus + 1


def _count(name: str, value: int | None, env: str, default: int) -> int:
    if value is None:
        raw = os.environ.get(env, "").strip()
        if not raw:
            return default
        try:
            value = int(raw)
        except ValueError:
            raise CommandError(f"{env} must be a whole number, got {raw!r}") from None
        name = env
    if value < 1:
        raise CommandError(f"{name} must be at least 1, got {value}")
    return value


def _listen(host: str, port: int) -> socket.socket:
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror as exc:
        raise CommandError(f"cannot listen on {host}: {exc}") from None
    listener = socket.socket(family, kind, proto)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind(address)
    except OSError as exc:
        listener.close()
        raise CommandError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    listener.listen(BACKLOG)
    return listener


class Command(BaseCommand):
    help = "Serve the web app (several processes) with one background worker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--processes",
            type=int,
            default=None,
            help="web processes (default: RAKSA_WEB_PROCESSES, else 2 per CPU + 1)",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=None,
            help=f"threads per web process (default: RAKSA_WEB_THREADS, else {DEFAULT_THREADS})",
        )
        parser.add_argument("--no-worker", action="store_true", help="serve only the web app")

    def handle(
        self,
        *args: Any,
        host: str,
        port: int,
        processes: int | None,
        threads: int | None,
        no_worker: bool,
        **options: Any,
    ) -> None:
        processes = _count("--processes", processes, "RAKSA_WEB_PROCESSES", default_processes())
        threads = _count("--threads", threads, "RAKSA_WEB_THREADS", DEFAULT_THREADS)
        # Collect first: WhiteNoise indexes the static folder once, when the application is built (in the child).
        call_command("collectstatic", interactive=False, verbosity=0)

        stopping: list[int] = []

        def stop(signum: int, frame: Any) -> None:
            stopping.append(signum)

        # Before the child exists, so a signal can never leave it running without us.
        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)

        listener = _listen(host, port)
        fd = listener.fileno()
        web = subprocess.Popen(
            [sys.executable, "-m", "raksa.core.web", str(fd), str(processes), str(threads), str(os.getpid())],
            pass_fds=(fd,),
        )
        listener.close()  # gunicorn holds it now; the port is free again when gunicorn stops

        worker = None
        worker_thread = None
        if not no_worker:
            worker = build_worker()
            worker_thread = threading.Thread(target=worker.run, name="raksa-worker", daemon=True)
            worker_thread.start()

        shown_host = f"[{host}]" if ":" in host else host
        web_processes = f"{processes} web process{'es' if processes > 1 else ''}"
        self.stdout.write(
            f"Raksa is serving on http://{shown_host}:{port}/ ({web_processes}, {threads} threads each; "
            f"worker {'off' if no_worker else 'on'})"
        )
        self.stdout.flush()

        failure = ""
        while not stopping:
            try:
                web.wait(timeout=0.5)
            except subprocess.TimeoutExpired:
                if worker_thread is not None and not worker_thread.is_alive():
                    failure = "the background worker stopped"
                    break
                continue
            failure = f"the web server exited (code {web.returncode})"
            break

        if worker is not None:
            worker.running = False
        if web.poll() is None:
            web.send_signal(signal.SIGTERM)
            try:
                web.wait(timeout=GRACEFUL_SECONDS + 5)
            except subprocess.TimeoutExpired:
                web.kill()
                web.wait()
        if worker_thread is not None:
            worker_thread.join(timeout=GRACEFUL_SECONDS)
        if failure:
            raise CommandError(f"Raksa stopped: {failure}")
        self.stdout.write("Raksa stopped.")
