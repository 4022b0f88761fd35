"""Fuzz the JSON API against a live `raksa serve` with schemathesis, on a database made for the run.

    python scripts/fuzz_api.py [--examples N] [--seed N|random] [--keep]     (or: make fuzz)

SQLite in a temporary folder by default; with DATABASE_URL set to PostgreSQL, a database named after it with
`_fuzz` appended, dropped again at the end. The run migrates, loads the directory, creates bearer tokens, serves
on 127.0.0.1 at a free port, makes a few people and cases through the API, and runs every operation of
/api/v1/openapi.json twice: as a 1300 supervisor, who may see and change every case and read its access log, and
as a responder in a field unit, who may see none (the telephony system's call events are sent with the token of
a telephony service user in the first run, and with the responder's, always refused, in the second). It fails (exit 1) on any server error, any answer the schema
does not document (status, content type, body), any failure that is not the one error shape, any schema-valid
request the API's validation refuses, any schema-violating request it accepts, and any operation the supervisor
could never complete. The server is stopped however the run ends. The last line is a one-line summary; a failure
is shown with a `curl` command that repeats it, and the temporary folder (server log, reports) is kept.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = Path(__file__).resolve().parent
PYTHON = sys.executable
SERVER_START_SECONDS = 90
# A hard stop per schemathesis run, far above its usual time (one to three minutes on two busy cores), so a
# hung server fails CI instead of holding it.
RUN_TIMEOUT_SECONDS = 900
DEFAULT_SEED = 20260
PHONES = ["0812345678", "+66 81 234 5678", "021234567", ""]
EDGE_STRINGS = ["\x00", "a\x00b", "\u200b", "\u200b\u200c\u2060", "\u202emalicious", "%", "_", "'", '"', "\\"]


@dataclass
class Run:
    """One schemathesis run: who calls, how hard, and whether each operation must succeed at least once."""

    name: str
    token: str
    examples: int
    expect_success: bool
    # The token sent to the telephony system's operation (POST /calls/incoming), whose scheme is its own.
    telephony_token: str = ""


@dataclass
class Outcome:
    name: str
    exit_code: int
    report: dict


class Failed(Exception):
    pass


def log(message: str) -> None:
    print(f"fuzz: {message}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def raksa(env: dict[str, str], *args: str, log_file: Path) -> str:
    """Run a `raksa` command; its stdout is returned, everything it says is kept in the log."""
    result = subprocess.run(
        [PYTHON, "-m", "raksa.cli", *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    with log_file.open("a") as out:
        out.write(f"$ raksa {' '.join(args)}\n{result.stderr}")
        if args[0] != "token":  # never write a token to disk
            out.write(result.stdout)
    if result.returncode != 0:
        raise Failed(f"`raksa {' '.join(args)}` failed:\n{result.stderr.strip()}")
    return result.stdout


# --- the database ---------------------------------------------------------------------------------------------


def postgres_url(url: str) -> tuple[str, str]:
    """The fuzzing database next to the one DATABASE_URL names, and a maintenance URL on the same server."""
    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/") or "raksa"
    fuzz_name = f"{name}_fuzz"
    return (
        urllib.parse.urlunsplit(parts._replace(path=f"/{fuzz_name}")),
        urllib.parse.urlunsplit(parts._replace(path="/postgres", query="")),
    )


def postgres_recreate(maintenance_url: str, name: str, *, create: bool) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(maintenance_url, autocommit=True) as conn:
        # FORCE: a server killed mid-run may leave a connection behind.
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        if create:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


# --- the server -----------------------------------------------------------------------------------------------


def server_start(env: dict[str, str], port: int, log_file: Path) -> subprocess.Popen:
    # Its own process group, so stopping it stops whatever processes the server itself starts.
    with log_file.open("a") as out:
        return subprocess.Popen(
            [PYTHON, "-m", "raksa.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def server_wait(server: subprocess.Popen, base: str) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise Failed(f"the server exited with {server.returncode} before answering")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.25)
    raise Failed(f"the server did not answer /healthz within {SERVER_START_SECONDS} s")


def server_stop(server: subprocess.Popen) -> None:
    if server.poll() is not None:
        return
    for sig, grace in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
        try:
            os.killpg(server.pid, sig)
        except ProcessLookupError:
            return
        try:
            server.wait(timeout=grace)
            return
        except subprocess.TimeoutExpired:
            continue


# --- the data ----------------------------------------------------------------------------------------------------

# A small logbook made through the API itself (so through the real services): people with and without
# identifiers and addresses, cases in several provinces and categories, one emergency, and every status a case
# can be in, with notes and a referral.
PEOPLE = [
    {
        "title": "นาง",
        "first_name_th": "สมศรี",
        "last_name_th": "ใจดี",
        "sex": "female",
        "birth_date": "1980-04-01",
        "national_id": "1101700203450",
        "phones": ["0812345678"],
        "address": {
            "text": "12 ถ.ศรีภูมิ",
            "province_code": "50",
            "district_code": "5001",
            "subdistrict_code": "500101",
            "postal_code": "50200",
        },
    },
    {"first_name_th": "สมชาย", "last_name_th": "ใจดี", "sex": "male", "age": 45, "phones": ["021234567"]},
    {"first_name_th": "มะลิ", "nickname": "ลิ", "sex": "female", "age": 9, "address": {"province_code": "10"}},
    {
        "first_name_en": "Aung",
        "last_name_en": "Min",
        "nationality": "MM",
        "status": "migrant",
        "passport": "MA123456",
    },
    {"first_name_th": "บุญมี", "last_name_th": "ทองดี", "age": 78},
    {"nickname": "ป้าแดง"},
]
CASES = [
    ("family_violence", "50", "ทะเลาะวิวาทในครอบครัว สามีทำร้ายร่างกาย"),
    ("child_protection", "10", "เด็กถูกทิ้งให้อยู่ลำพัง"),
    ("elderly_care", "83", "ผู้สูงอายุอยู่คนเดียว ไม่มีคนดูแล"),
    ("homelessness", "10", "คนไร้บ้านนอนริมถนน"),
    ("financial_hardship", "30", "ตกงาน ไม่มีเงินจ่ายค่าเช่า"),
    ("disability_support", "50", "ขอรถเข็นสำหรับผู้พิการ"),
    ("missing_person", "40", "ลูกสาวหายออกจากบ้านสองวัน"),
    ("other", "", "สอบถามสิทธิสวัสดิการ"),
]

# Partner reports, read back by GET /reports/{report_id}: one routed by area, one emergency with a place.
REPORTS = [
    {"text": "แม่ถูกพ่อทำร้ายร่างกายที่บ้าน", "category": "family_violence", "location": {"province_code": "10"}},
    {
        "text": "ชายคลุ้มคลั่งถือมีดในตลาด",
        "emergency_type": "frenzy",
        "reporter": {"name": "สมชาย ใจดี", "phone": "021234567"},
        "location": {"latitude": 18.7883, "longitude": 98.9853, "text": "ตลาดวโรรส"},
        "external_ref": "POL-1",
    },
]


def api(
    base: str, token: str, method: str, path: str, body: dict | None = None, headers: dict | None = None
) -> dict:
    request = urllib.request.Request(
        f"{base}/api/v1{path}",
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response)
    except urllib.error.HTTPError as exc:
        raise Failed(
            f"seeding: {method} {path} answered {exc.code}: {exc.read().decode(errors='replace')}"
        ) from None


def seed_data(base: str, token: str) -> dict[str, list]:
    """The data the fuzzing starts from; returns the case numbers and person ids it made."""
    people = [api(base, token, "POST", "/people", person)["id"] for person in PEOPLE]
    numbers = []
    for index, (category, province, summary) in enumerate(CASES):
        case = {
            "summary": summary,
            "category": category,
            "channel": "hotline",
            "province_code": province,
            "subject_id": people[index % len(people)],
        }
        if index == 0:
            case.update(
                emergency_type="threat",
                reporter_id=people[1],
                parties=[{"person_id": people[1], "role": "alleged_perpetrator"}],
                latitude=18.7883,
                longitude=98.9853,
                location_text="ใกล้ตลาดวโรรส",
            )
        numbers.append(api(base, token, "POST", "/cases", case)["number"])
    first, second, third, fourth, fifth = numbers[:5]
    for number in (first, second, third, fourth):
        api(base, token, "POST", f"/cases/{number}/status", {"status": "active"})
        api(base, token, "POST", f"/cases/{number}/notes", {"body": "โทรติดตามแล้ว นัดเยี่ยมบ้านพรุ่งนี้"})
    api(base, token, "POST", f"/cases/{second}/referrals", {"to_unit": "dcy-hq", "reason": "เด็กต้องการที่พักพิง"})
    api(base, token, "POST", f"/cases/{third}/status", {"status": "closed", "outcome": "ส่งเข้าศูนย์พักพิงแล้ว"})
    api(base, token, "POST", f"/cases/{fourth}/status", {"status": "closed", "outcome": "ช่วยเหลือแล้ว"})
    api(base, token, "POST", f"/cases/{fourth}/status", {"status": "active", "reason": "ผู้ร้องโทรกลับมาอีกครั้ง"})
    api(base, token, "POST", f"/cases/{fifth}/status", {"status": "screening"})
    answers = [
        api(base, token, "POST", "/reports", report, headers={"Idempotency-Key": f"fuzz-seed-{index}"})
        for index, report in enumerate(REPORTS)
    ]
    reports = [answer["report_id"] for answer in answers]
    codes = [answer["tracking_code"] for answer in answers if answer.get("tracking_code")]
    return {"cases": numbers, "people": people, "reports": reports, "codes": codes}


UNITS = """
import json
from raksa.directory.models import Unit
print(json.dumps(list(Unit.objects.filter(is_active=True).order_by("code").values_list("code", flat=True))))
"""


def unit_codes(env: dict[str, str], log_file: Path) -> list[str]:
    """Real unit codes, so a referral reaches a unit instead of answering `unknown_unit` every time."""
    codes = json.loads(raksa(env, "shell", "-c", UNITS, log_file=log_file).strip().splitlines()[-1])
    if not codes:
        raise Failed("the directory has no units")
    return codes


# --- schemathesis ---------------------------------------------------------------------------------------------


def config_write(path: Path, run: Run, *, seed: int | None, refs: dict[str, list], report: Path) -> None:
    seed_line = f"seed = {seed}" if seed is not None else ""
    path.write_text(
        f"""\
{seed_line}
hooks = "fuzz_api_checks"
request-timeout = 30.0

[reports.json]
path = {json.dumps(str(report))}

[cache]
enabled = false

[generation]
max-examples = {run.examples}
database = "none"

[auth.openapi.StaffBearer]
bearer = {json.dumps(run.token)}

[auth.openapi.TelephonyBearer]
bearer = {json.dumps(run.telephony_token or run.token)}

[dictionaries.cases]
values = {json.dumps(refs["cases"])}

[dictionaries.people]
values = {json.dumps(refs["people"])}

[dictionaries.units]
values = {json.dumps(refs["units"])}

[dictionaries.reports]
values = {json.dumps(refs["reports"])}

# Real tracking codes, so the public look-up finds a case as well as answering 404 and 400.
[dictionaries.codes]
values = {json.dumps(refs["codes"])}

# Call events name a call-taker of the centre (the supervisor is one) and come from Thai numbers, as given.
[dictionaries.agents]
values = {json.dumps(refs["agents"])}

[dictionaries.phones]
values = {json.dumps(PHONES)}

# Text that has broken systems like this one: NUL (which PostgreSQL cannot store), zero-width and
# right-to-left characters, SQL LIKE wildcards, quotes and backslashes. Offered to every string now and then,
# query and path parameters too, which the generator otherwise keeps to printable text.
[dictionaries.edge]
values = {json.dumps(EDGE_STRINGS)}

[generation.dictionaries]
string = {{ dictionary = "edge", probability = 0.05 }}

# Mostly real cases (and so every state: new, active, referred, closed), people and units; sometimes made up.
[parameters]
"path.number" = {{ dictionary = "cases", probability = 0.9 }}
"path.person_id" = {{ dictionary = "people", probability = 0.7 }}
"body.subject_id" = {{ dictionary = "people", probability = 0.7 }}
"body.reporter_id" = {{ dictionary = "people", probability = 0.7 }}
"body.parties[*].person_id" = {{ dictionary = "people", probability = 0.7 }}
"body.to_unit" = {{ dictionary = "units", probability = 0.8 }}
"path.report_id" = {{ dictionary = "reports", probability = 0.8 }}
"path.code" = {{ dictionary = "codes", probability = 0.8 }}
"body.agent" = {{ dictionary = "agents", probability = 0.8 }}
"body.caller" = {{ dictionary = "phones", probability = 0.8 }}

# Every other check schemathesis has stays on: server errors, documented statuses, content types, headers and
# bodies, refusing schema-violating input, refusing a missing or bad token, 405 with Allow for other methods.
[checks]
# Replaced by schema_valid_accepted (scripts/fuzz_api_checks.py): the services refuse some schema-valid
# requests on purpose, for rules a schema cannot state, each with its own stable error code.
positive_data_acceptance.enabled = false
every_operation_succeeds.enabled = {str(run.expect_success).lower()}
"""
    )


def schemathesis_run(
    run: Run, *, base: str, workdir: Path, seed: int | None, refs: dict[str, list]
) -> Outcome:
    config = workdir / f"schemathesis-{run.name}.toml"
    report = workdir / f"report-{run.name}.json"
    config_write(config, run, seed=seed, refs=refs, report=report)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(SCRIPTS), os.environ.get("PYTHONPATH", "")])),
    }
    log(f"{run.name}: schemathesis, {run.examples} examples per operation")
    command = [
        PYTHON,
        "-m",
        "schemathesis.cli",
        "--config-file",
        str(config),
        "run",
        f"{base}/api/v1/openapi.json",
        "--no-color",
    ]
    try:
        result = subprocess.run(command, env=env, cwd=workdir, timeout=RUN_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        raise Failed(f"{run.name}: schemathesis did not finish within {RUN_TIMEOUT_SECONDS} s") from None
    if not report.exists():
        raise Failed(f"{run.name}: schemathesis exited with {result.returncode} and wrote no report")
    return Outcome(run.name, result.returncode, json.loads(report.read_text()))


def summary(
    outcomes: list[Outcome], *, database: str, seconds: float, server_errors: int
) -> tuple[str, bool]:
    parts = []
    ok = server_errors == 0
    for outcome in outcomes:
        report = outcome.report
        operations = report["operations"]
        cases = report["test_cases"]
        failures = sum(failure["count"] for failure in report["failures"])
        errors = len(report["errors"])
        tested_all = operations["tested"] == operations["total"] and operations["errored"] == 0
        ok = ok and outcome.exit_code == 0 and failures == 0 and errors == 0 and tested_all
        parts.append(
            f"{outcome.name} {operations['tested']}/{operations['total']} operations, "
            f"{cases['generated']} cases, {failures} failures, {errors} errors"
        )
    verdict = "passed" if ok else "FAILED"
    line = (
        f"fuzz {verdict} on {database}: {'; '.join(parts)}; {server_errors} server tracebacks; "
        f"{seconds:.0f} s (seed {outcomes[0].report.get('seed') if outcomes else '-'})"
    )
    return line, ok


def on_sigterm(signum: int, frame: object) -> None:
    raise Failed("stopped by SIGTERM")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--examples",
        type=int,
        default=int(os.environ.get("FUZZ_EXAMPLES", "100")),
        help="generated requests per operation for the supervisor (default: $FUZZ_EXAMPLES or 100)",
    )
    parser.add_argument(
        "--seed",
        default=os.environ.get("FUZZ_SEED", str(DEFAULT_SEED)),
        help="schemathesis seed, or 'random' (default: $FUZZ_SEED or a fixed one, so CI repeats itself)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs, reports)")
    args = parser.parse_args(argv)
    seed = None if args.seed == "random" else int(args.seed)

    # SIGTERM (a CI timeout, a kill) unwinds through the `finally` below like Ctrl-C does.
    signal.signal(signal.SIGTERM, on_sigterm)

    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="raksa-fuzz-"))
    server_log = workdir / "server.log"
    env = {
        **os.environ,
        "RAKSA_VAR_DIR": str(workdir / "var"),
        "RAKSA_MEDIA_ROOT": str(workdir / "var" / "media"),
        "RAKSA_DEBUG": "false",
        "PYTHONUNBUFFERED": "1",
        # Thousands of person reads by one token in minutes: far past the hourly limit meant for a person at a
        # screen, which would answer 429 to most of them and leave the people operations untested.
        "RAKSA_PERSON_VIEWS_PER_HOUR": "100000",
        # Likewise the public tracking look-up's failures per address and per code.
        "RAKSA_TRACK_FAILURES": "100000",
        "RAKSA_TRACK_FAILURES_DAY": "100000",
    }
    database_url = os.environ.get("DATABASE_URL", "")
    pg_maintenance = pg_name = None
    if database_url.startswith(("postgres://", "postgresql://")):
        env["DATABASE_URL"], pg_maintenance = postgres_url(database_url)
        pg_name = urllib.parse.urlsplit(env["DATABASE_URL"]).path.lstrip("/")
        database = f"PostgreSQL ({pg_name})"
    else:
        env.pop("DATABASE_URL", None)
        database = "SQLite"
    server = None
    outcomes: list[Outcome] = []
    line, ok = "fuzz FAILED before it could finish (see above)", False
    try:
        log(f"{database}, working in {workdir}")
        if pg_maintenance and pg_name:
            postgres_recreate(pg_maintenance, pg_name, create=True)
        raksa(env, "migrate", "--no-input", log_file=server_log)
        raksa(env, "load_directory", log_file=server_log)
        # The centre's supervisor: every case, like a call-taker, and also the access log (GET .../access).
        centre = raksa(
            env, "token", "create", "--user", "fuzz", "--role", "supervisor", log_file=server_log
        ).strip()
        # A responder in Chiang Mai's field unit, on no case: sees nothing, may change nothing.
        responder = raksa(
            env,
            "token",
            "create",
            "--user",
            "fuzz_responder",
            "--role",
            "responder",
            "--unit",
            "rru-50",
            log_file=server_log,
        ).strip()
        # The 1300 centre's telephony system: its token posts call events and opens nothing else.
        telephony = raksa(
            env,
            "token",
            "create",
            "--user",
            "fuzz_pbx",
            "--role",
            "call_taker",
            "--service",
            "telephony",
            log_file=server_log,
        ).strip()
        units = unit_codes(env, server_log)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = server_start(env, port, server_log)
        server_wait(server, base)
        log(f"serving on {base}")
        refs = {**seed_data(base, centre), "units": units, "agents": ["fuzz"]}
        runs = [
            Run("supervisor", centre, args.examples, expect_success=True, telephony_token=telephony),
            # Sees no case: every answer is a refusal, which must still be documented and well-shaped.
            Run("responder", responder, max(10, args.examples // 4), expect_success=False),
        ]
        for run in runs:
            outcomes.append(schemathesis_run(run, base=base, workdir=workdir, seed=seed, refs=refs))
        if server.poll() is not None:
            raise Failed(f"the server exited with {server.returncode} during the run")
        server_errors = server_log.read_text(errors="replace").count("Traceback (most recent call last)")
        line, ok = summary(
            outcomes, database=database, seconds=time.monotonic() - started, server_errors=server_errors
        )
    except Failed as exc:
        log(str(exc))
    except KeyboardInterrupt:
        log("stopped by Ctrl-C")
    except Exception:  # a bug in this script still stops the server and prints the verdict
        traceback.print_exc()
    finally:
        if server is not None:
            server_stop(server)
        if not ok and server_log.exists():
            log(f"last lines of the server log ({server_log}):")
            print("\n".join(server_log.read_text(errors="replace").splitlines()[-40:]), flush=True)
        if pg_maintenance and pg_name:
            try:
                postgres_recreate(pg_maintenance, pg_name, create=False)
            except Exception as exc:  # the run's verdict matters more than a leftover database
                log(f"could not drop {pg_name}: {exc}")
        if args.keep or not ok:
            log(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print(line, flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
