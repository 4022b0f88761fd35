"""Triage's own copy of the codes (it may not import Django) against the models that store them."""

from __future__ import annotations

from raksa.cases.models import EmergencyType, Urgency
from raksa.directory.models import Category
from raksa.triage.types import CATEGORIES, EMERGENCY_TYPES, URGENCIES


class TriageCodesTests:
    # In the same order too: the order is part of the shipped model's features and heads.
    def test_it_knows_the_categories_the_directory_stores(self) -> None:
        assert tuple(Category.values) == CATEGORIES

    def test_it_knows_the_emergency_types_a_case_stores(self) -> None:
        assert tuple(EmergencyType.values) == EMERGENCY_TYPES

    def test_it_knows_the_urgencies_a_case_stores(self) -> None:
        assert tuple(Urgency.values) == URGENCIES
