"""The `raksa` command.

`raksa triage ...` runs the pure triage library without starting Django (it must be ready in under two seconds);
everything else is a Django management command: raksa's own (serve, worker, demo, token) or Django's
(migrate, createsuperuser, shell, ...), passed straight through.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "triage":
        from raksa.triage.cli import main as triage_main

        raise SystemExit(triage_main(args[1:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "raksa.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["raksa", *args] if args else ["raksa", "help"])


if __name__ == "__main__":
    main()
