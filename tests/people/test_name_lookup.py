from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from raksa.people.models import Person
from raksa.people.selectors import _NAME_QUERY_LIMIT, MAX_CANDIDATES, person_candidates, person_search
from raksa.people.services import _refresh_keys
from tests.base import RaksaTestCase


def person_reads(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if 'FROM "people_person"' in q["sql"]]


class NameLookupTests(RaksaTestCase):
    """However common a name, the search box and find-or-create read the person table within one cap."""

    def setUp(self) -> None:
        namesakes = [Person(first_name_th="สมศรี", last_name_th="ใจดี") for _ in range(_NAME_QUERY_LIMIT + 10)]
        for person in namesakes:
            _refresh_keys(person)
        Person.objects.bulk_create(namesakes)

    def test_it_stops_a_search_at_the_cap(self) -> None:
        with CaptureQueriesContext(connection) as queries:
            found = person_search(query="สมศรี ใจดี", limit=100)
        self.assertEqual(len(found), 100)
        self.assertEqual({p.display_name for p in found}, {"สมศรี ใจดี"})
        reads = person_reads(queries)
        # The first query filled the cap, so no further query ran.
        self.assertEqual(len(reads), 1)
        self.assertIn(f"LIMIT {_NAME_QUERY_LIMIT}", reads[0])

    def test_it_stops_candidates_at_the_same_cap(self) -> None:
        with CaptureQueriesContext(connection) as queries:
            candidates = person_candidates(first_name="สมศรี", last_name="ใจดี")
        self.assertEqual(len(candidates), MAX_CANDIDATES)
        self.assertEqual({c.person.display_name for c in candidates}, {"สมศรี ใจดี"})
        reads = person_reads(queries)
        self.assertEqual(len(reads), 1)
        self.assertIn(f"LIMIT {_NAME_QUERY_LIMIT}", reads[0])
