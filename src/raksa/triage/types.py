"""Value types shared by every part of triage (normaliser, classifier, entities, routing, CLI).

Frozen dataclasses so a result can be cached, compared in tests and passed between threads safely.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

EMERGENCY_TYPES: tuple[str, ...] = ("threat", "detention", "abuse_risk", "frenzy", "gathering")
CATEGORIES: tuple[str, ...] = (
    "family_violence",
    "unplanned_pregnancy",
    "human_trafficking",
    "drugs",
    "homelessness",
    "begging",
    "child_protection",
    "missing_person",
    "elderly_care",
    "disability_support",
    "financial_hardship",
    "other",
)
URGENCIES: tuple[str, ...] = ("emergency", "urgent", "normal")


@dataclass(frozen=True)
class Entities:
    phones: tuple[str, ...] = ()
    national_ids: tuple[str, ...] = ()
    invalid_national_ids: tuple[str, ...] = ()
    ages: tuple[int, ...] = ()
    names: tuple[str, ...] = ()
    province_codes: tuple[str, ...] = ()
    district_codes: tuple[str, ...] = ()
    subdistrict_codes: tuple[str, ...] = ()
    postal_codes: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, list[Any]]:
        return {
            "phones": list(self.phones),
            "national_ids": list(self.national_ids),
            "invalid_national_ids": list(self.invalid_national_ids),
            "province_codes": list(self.province_codes),
            "district_codes": list(self.district_codes),
            "ages": list(self.ages),
            "names": list(self.names),
            "subdistrict_codes": list(self.subdistrict_codes),
            "postal_codes": list(self.postal_codes),
        }


@dataclass(frozen=True)
class Routing:
    agency_code: str
    unit_code: str | None
    province_code: str | None
    district_code: str | None
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "agency_code": self.agency_code,
            "unit_code": self.unit_code,
            "province_code": self.province_code,
            "district_code": self.district_code,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class TriageResult:
    emergency_type: str | None
    category: str
    urgency: str
    confidence: float
    evidence: tuple[str, ...] = ()
    entities: Entities = field(default_factory=Entities)
    routing: Routing | None = None
    # Per-class probabilities ("none" included for emergency) so a screen can show the runner-up.
    emergency_scores: dict[str, float] = field(default_factory=dict, hash=False, compare=False)
    category_scores: dict[str, float] = field(default_factory=dict, hash=False, compare=False)
    backend: str = "offline"

    @property
    def is_emergency(self) -> bool:
        return self.emergency_type is not None

    def as_dict(self) -> dict[str, Any]:
        """The CLI / API contract (plus routing)."""
        return {
            "emergency_type": self.emergency_type,
            "category": self.category,
            "urgency": self.urgency,
            "confidence": round(float(self.confidence), 4),
            "evidence": list(self.evidence),
            "entities": self.entities.as_dict(),
            "routing": self.routing.as_dict() if self.routing is not None else None,
            "backend": self.backend,
        }
