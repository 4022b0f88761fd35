"""One error type for every service: a stable code, the field at fault, and a message in Thai and English.

Views turn it into a form error, the API into JSON (400 for bad input, 409 for a conflict with current state).
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field


@dataclass
class FieldError:
    field: str
    code: str
    message_th: str
    message_en: str

    def as_dict(self) -> dict[str, str]:
        return {
            "field": self.field,
            "code": self.code,
            "message_th": self.message_th,
            "message_en": self.message_en,
        }


@dataclass(eq=False)  # exceptions compare and hash by identity, as logging and tracebacks expect
class RaksaError(Exception):
    code: str
    message_th: str
    message_en: str
    field: str | None = None
    status: int = 400
    errors: list[FieldError] = dataclass_field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(f"{self.code}: {self.message_en}")
        if self.field and not self.errors:
            self.errors = [FieldError(self.field, self.code, self.message_th, self.message_en)]

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "message_th": self.message_th,
            "message_en": self.message_en,
            "errors": [e.as_dict() for e in self.errors],
        }


class InvalidInput(RaksaError):
    """Bad input: HTTP 400."""


class Conflict(RaksaError):
    """The request clashes with the current state (an illegal status change, a duplicate): HTTP 409."""

    def __post_init__(self) -> None:
        self.status = 409
        super().__post_init__()


class NotFound(RaksaError):
    """Missing, or not visible to this user: the two are never told apart. HTTP 404."""

    def __post_init__(self) -> None:
        self.status = 404
        super().__post_init__()


def not_found(what_en: str = "record", what_th: str = "ข้อมูล") -> NotFound:
    return NotFound(
        code="not_found", message_th=f"ไม่พบ{what_th}", message_en=f"{what_en.capitalize()} not found"
    )


def invalid(field_name: str, code: str, message_th: str, message_en: str) -> InvalidInput:
    return InvalidInput(code=code, message_th=message_th, message_en=message_en, field=field_name)


class Forbidden(RaksaError):
    """The user may see the record but not make this change (a pending referral unit writing a note): HTTP 403."""

    def __post_init__(self) -> None:
        self.status = 403
        super().__post_init__()


@dataclass(eq=False)
class TooManyRequests(RaksaError):
    """Over a rate limit: HTTP 429, with how many seconds until the limit allows the next request."""

    retry_after: int = 0

    def __post_init__(self) -> None:
        self.status = 429
        super().__post_init__()
