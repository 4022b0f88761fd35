"""The web processes' start: what the apps declare to load once (`warm` on an AppConfig) is loaded in the arbiter,
before gunicorn forks, so no web process loads it on its first request."""

from __future__ import annotations

import json
import os
import subprocess
import sys

# A fresh interpreter: this test process may have loaded everything long ago.
PROBE = """
import json, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "raksa.settings")
import django
django.setup()
from raksa.dispatch import geo
before = geo._districts is not None
from raksa.core.web import WebServer
server = WebServer.__new__(WebServer)  # only its load(): no socket, no arbiter
server.load()
print(json.dumps({"before": before, "after": geo._districts is not None}))
"""


class WebServerLoadTests:
    def test_it_loads_what_the_apps_declare_before_the_fork(self):
        result = subprocess.run(
            [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=300, env=os.environ.copy()
        )
        assert result.returncode == 0, result.stderr
        seen = json.loads(result.stdout.strip().splitlines()[-1])
        assert seen == {"before": False, "after": True}
