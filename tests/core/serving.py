"""Running the `raksa` command in a child process, as an operator would: helpers for the serve tests."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import dj_database_url
import psycopg

RAKSA = [sys.executable, "-m", "raksa.cli"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_health(url: str, proc: subprocess.Popen, attempts: int = 300) -> dict:
    last_error: Exception | None = None
    for _ in range(attempts):
        if proc.poll() is not None:
            raise AssertionError(f"server exited early: {proc.stdout.read() if proc.stdout else ''}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                return json.loads(response.read())
        except OSError as exc:
            last_error = exc
            with contextlib.suppress(subprocess.TimeoutExpired):  # give the server a moment to come up
                proc.wait(timeout=0.1)
    raise AssertionError(f"no answer from {url}: {last_error}")


def wait_until(condition: Callable[[], bool], proc: subprocess.Popen, attempts: int = 300) -> None:
    """Until `condition()` holds, while the server runs (processes start one after another)."""
    for _ in range(attempts):
        if condition():
            return
        if proc.poll() is not None:
            raise AssertionError(f"server exited early: {proc.stdout.read() if proc.stdout else ''}")
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=0.1)
    raise AssertionError("the condition never held")


def children(pid: int) -> list[int]:
    """The live processes whose parent is `pid` (Linux /proc)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:  # it ended while we looked
            continue
        # The name (2nd field) is in parentheses and may hold spaces; state and parent id follow it.
        state, parent = stat.rsplit(")", 1)[1].split()[:2]
        if int(parent) == pid and state != "Z":
            found.append(int(entry))
    return found


def group_alive(pgid: int) -> bool:
    """Whether any process of the process group `pgid` still exists (a terminal's Ctrl-C reaches the group)."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


@contextlib.contextmanager
def throwaway_env(var_dir: Path) -> Iterator[dict[str, str]]:
    """An environment for the `raksa` command with its own empty database.

    SQLite in `var_dir` by default; with DATABASE_URL set (the PostgreSQL run of the suite), a database of its
    own beside that one, dropped afterwards.
    """
    env = {**os.environ, "RAKSA_VAR_DIR": str(var_dir)}
    url = env.pop("DATABASE_URL", "")
    if not url or not url.startswith(("postgres://", "postgresql://")):
        yield env
        return
    config = dj_database_url.parse(url)
    name = f"{config['NAME']}_live_{os.getpid()}"
    admin = {
        "host": config["HOST"],
        "port": config["PORT"] or 5432,
        "user": config["USER"],
        "dbname": "postgres",
    }
    if config.get("PASSWORD"):
        admin["password"] = config["PASSWORD"]
    with psycopg.connect(**admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        login = config["USER"] + (f":{config['PASSWORD']}" if config.get("PASSWORD") else "")
        yield {**env, "DATABASE_URL": f"postgres://{login}@{admin['host']}:{admin['port']}/{name}"}
    finally:
        with psycopg.connect(**admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def raksa(*args: str, env: dict[str, str], timeout: int = 300) -> str:
    """Run one `raksa` command to its end; its standard output."""
    result = subprocess.run([*RAKSA, *args], env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, (args, result.stderr)
    return result.stdout
