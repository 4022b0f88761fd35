"""Many staff writing at once, with real threads, each on its own database connection.

What a user checks after a busy hour: nobody was shown a server error, and every note, referral and status
change anyone was told was saved is in the case file, once, in the order the case went through them. The tests
run on the file SQLite database `raksa serve` uses by default (not Django's in-memory one, which locks whole
tables) and, with DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable

from django.db import connections
from django.test import TransactionTestCase

from raksa.accounts.models import Role
from raksa.cases.models import Case, Note, Referral, Status
from raksa.cases.services import case_close, case_create, case_reopen, note_add, referral_create
from raksa.core.errors import Conflict
from raksa.directory.models import Agency, Unit
from tests.base import BANGKOK, make_unit, make_user

WRITERS = 50
# A writer told "someone changed this case first" looks again and retries, as a person at a screen would.
# Far more tries than the contention can use up; reaching it is itself a failure.
MAX_TRIES = 500


def run_together(jobs: list[Callable[[], object]]) -> list[str]:
    """Run every job in its own thread, released at the same moment; the errors they raised, as text."""
    barrier = threading.Barrier(len(jobs))
    errors: list[str] = []
    lock = threading.Lock()

    def run(job: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=60)
            job()
        except Exception as exc:  # every failure is the test's finding, whatever its type
            with lock:
                errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            connections.close_all()  # this thread's own connection; PostgreSQL counts them

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not any(thread.is_alive() for thread in threads), "a writer never finished"
    return errors


def timeline(case: Case) -> list[str]:
    return list(case.events.order_by("id").values_list("kind", flat=True))


class ConcurrentWritesTests(TransactionTestCase):
    def setUp(self) -> None:
        ops = Agency.objects.create(
            code="ops", name_th="สำนักงานปลัดกระทรวง", name_en="Office", kind=Agency.Kind.OFFICE
        )
        dcy = Agency.objects.create(
            code="dcy", name_th="กรมกิจการเด็กและเยาวชน", name_en="Children", kind=Agency.Kind.DEPARTMENT
        )
        self.office = make_unit("pso-10", ops, Unit.Kind.PROVINCIAL_OFFICE, BANGKOK, (BANGKOK,))
        self.receivers = [make_unit(f"dcy-{n:02d}", dcy, Unit.Kind.HEADQUARTERS) for n in range(10)]
        # Five colleagues of one office share the work, as on a shift.
        self.workers = [make_user(f"worker_{n}", Role.CASE_WORKER, self.office) for n in range(5)]

    def open_case(self, summary: str = "แม่ถูกสามีทำร้าย") -> Case:
        return case_create(
            actor=self.workers[0],
            owning_unit=self.office,
            channel="hotline",
            summary=summary,
            category="family_violence",
            province_code=BANGKOK,
        )

    def test_it_keeps_every_note_when_fifty_writers_share_ten_cases(self):
        cases = [self.open_case(f"เรื่องที่ {n}") for n in range(10)]

        def write(i: int) -> Callable[[], None]:
            return lambda: note_add(actor=self.workers[i % 5], case=cases[i % 10], body=f"บันทึก {i}")

        errors = run_together([write(i) for i in range(WRITERS)])

        assert errors == []
        assert Note.objects.count() == WRITERS
        for n, case in enumerate(cases):
            bodies = set(Note.objects.filter(case=case).values_list("body", flat=True))
            assert bodies == {f"บันทึก {i}" for i in range(WRITERS) if i % 10 == n}
            assert Counter(timeline(case)) == {"created": 1, "note_added": 5}
            noted = {e.data["note_id"] for e in case.events.filter(kind="note_added")}
            assert noted == set(Note.objects.filter(case=case).values_list("pk", flat=True))

    def test_it_keeps_every_note_referral_and_status_change_on_one_case(self):
        case = self.open_case()
        notes, status_changes = 30, 10  # and one referral to each of the 10 receiving units
        refused = Counter[str]()
        # Bumped after each accepted status change or referral: a refused writer tries again once the case has
        # moved on, instead of hammering a closed case (SQLite's lock is not fair to a writer that waits).
        changed = threading.Condition()
        moves = [0]
        failed = threading.Event()  # one writer's error ends the others' waiting: the test fails, fast

        def until_accepted(attempt: Callable[[], object]) -> None:
            for _ in range(MAX_TRIES):
                with changed:
                    seen = moves[0]
                try:
                    attempt()
                except Conflict as exc:
                    with changed:
                        refused[exc.code] += 1
                        changed.wait_for(lambda: moves[0] > seen or failed.is_set(), timeout=60)  # noqa: B023
                    if failed.is_set():
                        raise AssertionError("gave up: another writer failed") from None
                    continue
                with changed:
                    moves[0] += 1
                    changed.notify_all()
                return
            raise AssertionError(f"still refused after {MAX_TRIES} tries")

        def guarded(job: Callable[[], object]) -> Callable[[], None]:
            def run() -> None:
                try:
                    job()
                except BaseException:
                    with changed:
                        failed.set()
                        changed.notify_all()
                    raise

            return run

        def note(i: int) -> Callable[[], None]:
            return lambda: note_add(actor=self.workers[i % 5], case=case, body=f"บันทึก {i}")

        def refer(unit: Unit) -> Callable[[], None]:
            # A closed case cannot be referred; the worker waits for it to be reopened.
            return lambda: until_accepted(
                lambda: referral_create(actor=self.workers[1], case=case, to_unit=unit, reason="ส่งต่อ")
            )

        def toggle(i: int) -> Callable[[], None]:
            # Close it if it is open, reopen it if it is closed: whatever the others did, one of the two is legal.
            def attempt() -> None:
                current = Case.objects.get(pk=case.pk)
                if current.status == Status.CLOSED:
                    case_reopen(actor=self.workers[2], case=current, reason=f"เปิดใหม่ {i}")
                else:
                    case_close(actor=self.workers[2], case=current, outcome=f"ปิด {i}")

            return lambda: until_accepted(attempt)

        jobs: list[Callable[[], object]] = [note(i) for i in range(notes)]
        jobs += [refer(unit) for unit in self.receivers]
        jobs += [toggle(i) for i in range(status_changes)]
        assert len(jobs) == WRITERS

        errors = run_together([guarded(job) for job in jobs])

        assert errors == []
        # Being told "the case changed first" is the rule working, never a lost write or a server error.
        assert set(refused) <= {"illegal_transition"}
        assert set(Note.objects.filter(case=case).values_list("body", flat=True)) == {
            f"บันทึก {i}" for i in range(notes)
        }
        assert set(Referral.objects.filter(case=case).values_list("to_unit__code", flat=True)) == {
            unit.code for unit in self.receivers
        }
        kinds = timeline(case)
        assert Counter(kinds) == {
            "created": 1,
            "note_added": notes,
            "referral_created": 10,
            "closed": status_changes // 2,
            "reopened": status_changes // 2,
        }
        # Replaying the timeline gives the status the case has: no change was applied to a stale case.
        status = Status.NEW
        for event in case.events.order_by("id"):
            if event.kind == "closed":
                assert status != Status.CLOSED
                assert event.data["from"] == status
                status = Status.CLOSED
            elif event.kind == "reopened":
                assert status == Status.CLOSED
                status = Status.ACTIVE
            elif event.kind == "referral_created":
                assert status != Status.CLOSED
                assert event.data["from_status"] == status
                status = Status.REFERRED
        case.refresh_from_db()
        assert case.status == status

    def test_it_numbers_fifty_cases_opened_at_once_without_a_gap(self):
        errors = run_together([self.open_case for _ in range(WRITERS)])

        assert errors == []
        numbers = sorted(Case.objects.values_list("number", flat=True))
        year, first = numbers[0].split("-")
        # Every writer committed, so no number is missing between them. (On PostgreSQL the year's sequence outlives
        # the tables being emptied between tests, so the first may be above 1.)
        start = int(first)
        assert numbers == [f"{year}-{n:06d}" for n in range(start, start + WRITERS)]
        assert len(set(Case.objects.values_list("tracking_code", flat=True))) == WRITERS
