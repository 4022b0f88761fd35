"""Triage speed: reports per second in one process, per-report latency, and `raksa triage` cold start.

    .venv/bin/python bench/triage_bench.py

Throughput is the median of 5 runs over every dev + train text through the full `triage()` pipeline
(normalise, classify, entities, routing), after one warm-up run. Cold start is the median of 5 fresh
`.venv/bin/raksa triage` processes each classifying one line. Targets: >= 300 reports/s, ready in <= 2 s.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_RATE = 300.0
TARGET_COLD = 2.0


def texts() -> list[str]:
    out = []
    for name in ("dev.jsonl", "train.jsonl"):
        with open(ROOT / "data" / "triage" / name, encoding="utf-8") as fh:
            out.extend(json.loads(line)["text"] for line in fh if line.strip())
    return out


def throughput(items: list[str]) -> tuple[float, list[float]]:
    from raksa.triage import triage

    for text in items[:200]:  # warm-up: model, dictionaries, geothai, routing table
        triage(text)
    rates = []
    latencies: list[float] = []
    for run in range(5):
        start = time.perf_counter()
        for text in items:
            t0 = time.perf_counter()
            triage(text)
            if run == 0:
                latencies.append(time.perf_counter() - t0)
        rates.append(len(items) / (time.perf_counter() - start))
    return statistics.median(rates), latencies


def cold_start() -> float:
    exe = ROOT / ".venv" / "bin" / "raksa"
    line = json.dumps({"id": 1, "text": "ช่วยด้วย มีคนถือมีดขู่ อยู่หน้าเซเว่น โทร 081-234-5678"}, ensure_ascii=False)
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAKSA_TRIAGE_LLM")}
    times = []
    for _ in range(5):
        start = time.perf_counter()
        done = subprocess.run(
            [str(exe), "triage"], input=line + "\n", capture_output=True, text=True, env=env
        )
        times.append(time.perf_counter() - start)
        if done.returncode != 0 or '"threat"' not in done.stdout:
            raise SystemExit(f"raksa triage failed: {done.returncode} {done.stdout} {done.stderr}")
    return statistics.median(times)


def main() -> int:
    items = texts()
    rate, latencies = throughput(items)
    latencies.sort()
    p50 = latencies[len(latencies) // 2] * 1000
    p95 = latencies[int(len(latencies) * 0.95)] * 1000
    cold = cold_start()
    print(f"reports: {len(items)} (dev + train texts), one process, one thread")
    print(
        f"throughput (median of 5): {rate:.0f} reports/s  target >= {TARGET_RATE:.0f}  ratio {rate / TARGET_RATE:.2f}x"
    )
    print(f"latency per report: p50 {p50:.2f} ms, p95 {p95:.2f} ms")
    print(
        f"cold start `raksa triage` (1 line, median of 5): {cold:.2f} s  target <= {TARGET_COLD:.1f} s  "
        f"ratio {TARGET_COLD / cold:.2f}x headroom"
    )
    return 0 if rate >= TARGET_RATE and cold <= TARGET_COLD else 1


if __name__ == "__main__":
    sys.exit(main())
