"""What the benches' HTTP clients share: kept-alive connections to the server a bench started, a send that survives
an idle connection the server closed, a closed loop and an open loop.

Each loop runs in a client process of its own (the benches hand it to a ProcessPoolExecutor with the spawn
context), with threads inside: the job is a plain dict, so it pickles, and every request body is built (and, for
LINE, signed) before the clock starts, so the loop itself only sends and times.
"""

from __future__ import annotations

import http.client
import random
import threading
import time
from typing import Any

HOST = "127.0.0.1"  # never anything else: a bench talks to the server it started
REQUEST_TIMEOUT = 30  # seconds; a request not answered by then counts as an error


def connection(port: int) -> http.client.HTTPConnection:
    return http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)


def send(
    conn: http.client.HTTPConnection, method: str, path: str, body: bytes | None, headers: dict
) -> tuple[int, bytes, str]:
    """(status, body, Set-Cookie); status 0 when the request failed (the body then says how)."""
    # A kept-alive connection the server closed while idle fails at once: send again on a new one, as HTTP
    # clients do (safe for what the benches send: a report carries its Idempotency-Key, a LINE event its
    # webhookEventId). Any other failure is the answer.
    for attempt in (1, 2):
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            return response.status, response.read(), response.getheader("Set-Cookie") or ""
        except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected) as exc:
            conn.close()
            if attempt == 2:
                return 0, repr(exc).encode(), ""
        except (OSError, http.client.HTTPException) as exc:
            conn.close()
            return 0, repr(exc).encode(), ""
    raise AssertionError("unreachable")


def closed_loop(job: dict[str, Any]) -> dict[str, Any]:
    """Clients that each send again as soon as their answer is in, from start_at until stop_at; the latencies of
    requests sent from measure_from on, and every error.

    The job: `port`, `path`, `start_at`, `measure_from`, `stop_at`, `seeds` (one client per seed), `requests`
    (a list of (body bytes, headers)). Each client picks a request at random, or, with `once` (requests that must
    not repeat, such as LINE events), takes its own share of this process's list in turn; a client that has used
    up its share stops, and says so in `ran_out`. With `key_header`, each
    request also gets that header with a value of its own (`prefix`-client-n: the API's Idempotency-Key).
    """
    latencies: list[float] = []
    errors: list[str] = []
    ran_out = [0]
    lock = threading.Lock()
    requests = job["requests"]

    def client(index: int, seed: int) -> None:
        rng = random.Random(seed)
        conn = connection(job["port"])
        mine, my_errors, n = [], [], 0
        own = requests[index :: len(job["seeds"])] if job.get("once") else requests
        time.sleep(max(0.0, job["start_at"] - time.time()))
        while time.time() < job["stop_at"]:
            if job.get("once"):
                if n >= len(own):
                    with lock:
                        ran_out[0] += 1
                    break
                body, headers = own[n]
            else:
                body, headers = own[rng.randrange(len(own))]
            if job.get("key_header"):
                headers = {**headers, job["key_header"]: f"{job['prefix']}-{seed}-{n}"}
            n += 1
            began_wall = time.time()
            began = time.perf_counter()
            status, payload, _ = send(conn, "POST", job["path"], body, headers)
            elapsed = time.perf_counter() - began
            if status not in (200, 201):
                my_errors.append(f"{status} {payload[:200].decode(errors='replace')}")
            elif began_wall >= job["measure_from"]:
                mine.append(elapsed)
        conn.close()
        with lock:
            latencies.extend(mine)
            errors.extend(my_errors)

    threads = [threading.Thread(target=client, args=pair) for pair in enumerate(job["seeds"])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"latencies": latencies, "errors": errors, "ran_out": ran_out[0]}


def open_loop(job: dict[str, Any]) -> dict[str, Any]:
    """This process's share of an open-loop schedule: each request leaves at its time (`due`, seconds since the
    epoch), whatever became of the ones before it. `threads` senders, each with its own kept-alive connection,
    take the requests in the order they fall due; when all are waiting for answers a request leaves late, and
    `late` says by how much.

    The job: `port`, `threads`, `items` (dicts with `n`, `due`, `method`, `path`, `body`, `headers`, sorted by
    `due`). One result per item: `n`, `due`, `late`, `seconds` (sending to the whole answer read), `status`, and
    `error` (the answer's start) when the status is not 2xx; and the CPU seconds the process spent on it all.
    """
    cpu_began = time.process_time()
    items = job["items"]
    results: list[dict[str, Any]] = []
    lock = threading.Lock()
    cursor = [0]

    def sender() -> None:
        conn = connection(job["port"])
        mine = []
        while True:
            with lock:
                if cursor[0] >= len(items):
                    break
                item = items[cursor[0]]
                cursor[0] += 1
            wait = item["due"] - time.time()
            if wait > 0:
                time.sleep(wait)
            sent = time.time()
            began = time.perf_counter()
            status, payload, _ = send(conn, item["method"], item["path"], item["body"], item["headers"])
            elapsed = time.perf_counter() - began
            mine.append(
                {
                    "n": item["n"],
                    "due": item["due"],
                    "late": max(0.0, sent - item["due"]),
                    "seconds": elapsed,
                    "status": status,
                    "error": None if 200 <= status < 300 else payload[:300].decode(errors="replace"),
                }
            )
        conn.close()
        with lock:
            results.extend(mine)

    threads = [threading.Thread(target=sender) for _ in range(job["threads"])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"results": results, "cpu_seconds": time.process_time() - cpu_began}
