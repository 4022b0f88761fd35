"""triage_warm: a server loads every piece of triage before its first report, not during it."""

from __future__ import annotations

import json
import os
import subprocess
import sys

# Run in a fresh interpreter: this test process has long since loaded everything.
PROBE = """
import json
from raksa.triage import classifier, layout, lexicon, places, romanised, routing, triage, triage_warm
loaders = {
    "romanised": romanised._matcher,
    "layout_words": layout._words,
    "model": classifier.shipped_model,
    "lexicon": lexicon._matchers,
    "places": places._data,
    "place_index": places._index,
    "routing": routing.routing_table,
}
before = {name: f.cache_info().currsize for name, f in loaders.items()}
triage_warm()
after = {name: f.cache_info().currsize for name, f in loaders.items()}
misses = {name: f.cache_info().misses for name, f in loaders.items()}
triage("ช่วยด้วย แฟนเมาถือมีดไล่ฟันอยู่หน้าบ้าน ซอยลาดพร้าว 71 เขตวังทองหลาง กรุงเทพ")
later = {name: f.cache_info().misses for name, f in loaders.items()}
print(json.dumps({"before": before, "after": after, "misses": misses, "later": later}))
"""


def test_warm_loads_every_piece_so_the_first_report_loads_nothing():
    out = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=120
    )
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert set(seen["before"].values()) == {0}  # nothing was loaded at import
    assert set(seen["after"].values()) == {1}  # everything is loaded after the warm-up
    assert seen["later"] == seen["misses"]  # and the first real report loads nothing more


def test_warm_never_asks_the_llm_back_end():
    # The back-end is switched on but unreachable; warming must not try it (nor wait for its time-out).
    probe = (
        "from raksa.triage import llm, triage_warm\n"
        "def refuse(*args, **kwargs):\n"
        "    raise SystemExit('the warm-up asked the LLM back-end')\n"
        "llm.classify_llm = refuse\n"
        "triage_warm()\n"
        "print('warm')\n"
    )
    env = {**os.environ, "RAKSA_TRIAGE_LLM_URL": "http://127.0.0.1:9"}
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=120)
    assert (out.returncode, out.stdout.strip()) == (0, "warm"), out.stderr
