"""Web, worker and timers in one process: what `make run` starts on the SQLite default."""

from __future__ import annotations

import contextlib
import logging
import signal
import threading

from django.core.management import call_command
from django.core.management.base import BaseCommand

from raksa.core.worker import build_worker

logger = logging.getLogger("raksa.serve")


class Command(BaseCommand):
    help = "Serve the web app with its background worker in one process."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument("--no-worker", action="store_true", help="serve only the web app")

    def handle(self, *args, host: str, port: int, threads: int, no_worker: bool, **options):
        from waitress.server import create_server

        # Collect first: WhiteNoise indexes the static folder once, when the application is built.
        call_command("collectstatic", interactive=False, verbosity=0)
        from raksa.wsgi import application

        server = create_server(application, host=host, port=port, threads=threads)
        worker = None
        if not no_worker:
            worker = build_worker()
            threading.Thread(target=worker.run, name="raksa-worker", daemon=True).start()

        def stop(signum, frame):
            if worker is not None:
                worker.running = False
            server.close()

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        self.stdout.write(
            f"Raksa is serving on http://{host}:{port}/ (worker {'off' if no_worker else 'on'})"
        )
        with contextlib.suppress(OSError, ValueError):  # raised when the signal handler closes the socket
            server.run()
        self.stdout.write("Raksa stopped.")
