from django.core.management.base import BaseCommand

from raksa.core.worker import build_worker


class Command(BaseCommand):
    help = "Run the background worker (durable tasks: alerts, notifications, timers)."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=0.5, help="seconds between polls when idle")
        parser.add_argument("--batch", action="store_true", help="run what is queued, then exit")

    def handle(self, *args, interval: float, batch: bool, **options):
        worker = build_worker(interval=interval, batch=batch)
        if not batch:
            worker.configure_signals()
        worker.run()
