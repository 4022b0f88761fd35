"""Writes to the master person index: create, update, identifiers, find-or-create, merge and its reversal.

Every function validates all of its input first and raises one InvalidInput naming each bad field (Thai and
English), then writes inside one transaction: nothing is ever partly saved.

validation holds the checks all of them share; person, find_or_create and merge the writes. Callers import
from here.
"""

from raksa.people.services.find_or_create import MatchResult, person_find_or_create
from raksa.people.services.merge import person_merge, person_merge_reverse
from raksa.people.services.person import _refresh_keys, identifier_add, person_create, person_update

__all__ = [
    "MatchResult",
    "_refresh_keys",
    "identifier_add",
    "person_create",
    "person_find_or_create",
    "person_merge",
    "person_merge_reverse",
    "person_update",
]
