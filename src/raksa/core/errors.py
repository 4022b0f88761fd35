"""One error type for every service: a stable code, the field at fault, and a message in Thai and English.

Views turn it into a form error, the API into JSON (400 for bad input, 409 for a conflict with current state).

Every code is declared once, as an `ErrorCode` in its app's `errors` module (this module holds core's, which
several apps share), with its HTTP status, its messages and its meaning for the API's documentation; services
raise through it (`raise TOO_LONG.error(field="summary", what_th=..., what_en=..., limit=300)`), so the API can
list every code that can reach a client. A later app declares its codes in its own `errors` module.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
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


def invalid_input(errors: Sequence[FieldError]) -> InvalidInput:
    """One InvalidInput naming every field at fault; its own code and messages are those of the first."""
    first = errors[0]
    return InvalidInput(
        code=first.code,
        message_th=first.message_th,
        message_en=first.message_en,
        field=first.field,
        errors=list(errors),
    )


_KINDS: dict[int, type[RaksaError]] = {400: InvalidInput, 403: Forbidden, 404: NotFound, 409: Conflict}
# TooManyRequests also carries the seconds until the limit allows the next request.
_CATALOGUE: dict[str, ErrorCode] = {}


@dataclass(frozen=True)
class ErrorCode:
    """A code of the catalogue: its HTTP status, its Thai and English messages, and what it means for a client.

    The messages are `str.format` templates with named parameters (`{limit}`, `{what_th}`; `{field}` is always
    given). `variant()` words the same code differently for one situation without declaring a new code.
    """

    code: str
    status: int
    message_th: str
    message_en: str
    meaning: str = ""
    is_variant: bool = dataclass_field(default=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.is_variant:
            return
        declared = _CATALOGUE.setdefault(self.code, self)
        if declared != self:  # a re-import declares the same thing again; a second meaning is a mistake
            raise ValueError(f"error code {self.code!r} is declared twice, differently")

    def variant(self, message_th: str, message_en: str) -> ErrorCode:
        return replace(self, message_th=message_th, message_en=message_en, is_variant=True)

    def messages(self, field: str | None = None, **params: object) -> tuple[str, str]:
        return (
            self.message_th.format(field=field, **params),
            self.message_en.format(field=field, **params),
        )

    def field_error(self, field: str, **params: object) -> FieldError:
        return FieldError(field, self.code, *self.messages(field, **params))

    def error(self, *, field: str | None = None, retry_after: int = 0, **params: object) -> RaksaError:
        message_th, message_en = self.messages(field, **params)
        if self.status == 429:
            return TooManyRequests(self.code, message_th, message_en, field=field, retry_after=retry_after)
        kind = _KINDS.get(self.status)
        if kind is None:
            return RaksaError(self.code, message_th, message_en, field=field, status=self.status)
        return kind(self.code, message_th, message_en, field=field)


def error_catalogue() -> dict[str, ErrorCode]:
    """Every declared code, by code: each installed app's `errors` module is imported first."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("errors")
    return dict(sorted(_CATALOGUE.items()))


# Codes that several apps raise.
REQUIRED = ErrorCode(
    "required",
    400,
    "กรุณาระบุ{what_th}",
    "{what_en} is required",
    meaning="a required value is empty, or only invisible characters (`summary`, a note's `body`, `outcome` when "
    "closing, `reason` when reopening)",
)
TOO_LONG = ErrorCode(
    "too_long",
    400,
    "{what_th}ยาวเกิน {limit:,} ตัวอักษร",
    "{what_en} is longer than {limit:,} characters",
    meaning="a text is longer than its limit",
)
INVALID_CHOICE = ErrorCode(
    "invalid_choice",
    400,
    "{what_th}ไม่ถูกต้อง: {value}",
    "Unknown {what_en}: {value}",
    meaning="not one of the allowed values",
)
UNKNOWN_FIELD = ErrorCode(
    "unknown_field",
    400,
    "ไม่รู้จักช่องข้อมูลนี้",
    "Unknown field {name}.",
    meaning="a key the endpoint or service does not take, or a field that cannot be changed",
)
TOO_SHORT = ErrorCode(
    "too_short",
    400,
    "{what_th}ต้องยาวอย่างน้อย {limit} ตัวอักษร",
    "{what_en} must be at least {limit} characters",
    meaning="a text (a break-the-glass `reason`) or a list is shorter than it must be",
)
CONTROL_CHARACTER = ErrorCode(
    "control_character",
    400,
    "{what_th}: มีอักขระควบคุมที่ใช้ไม่ได้ ({point})",
    "{what_en}: Contains a control character that is not allowed ({point})",
    meaning="a text holds a control character: never NUL and the like; newline and tab only in a description, "
    "note, outcome or reason",
)
INVALID_CHARACTER = ErrorCode(
    "invalid_character",
    400,
    "{what_th}: มีอักขระที่ไม่ถูกต้อง ({point})",
    "{what_en}: Contains an invalid character ({point})",
    meaning="a text holds a lone surrogate (`\\ud800`), which is not a character",
)
OUT_OF_RANGE = ErrorCode(
    "out_of_range",
    400,
    "{what_th}ต้องอยู่ระหว่าง {low} ถึง {high}",
    "{what_en} must be between {low} and {high}",
    meaning="a number outside its allowed range (`latitude`, `longitude`, `limit`)",
)
NOT_FOUND = ErrorCode(
    "not_found",
    404,
    "ไม่พบ{what_th}",
    "{what_en} not found",
    meaning="missing, or not visible to the caller: the two are never told apart",
)
FORBIDDEN = ErrorCode(
    "forbidden",
    403,
    "คุณไม่มีสิทธิ์{action_th}",
    "You may not {action_en}",
    meaning="the caller has no unit, or may read this case but not change it",
)
UNKNOWN_AREA = ErrorCode(
    "unknown_area",
    400,
    "ไม่พบรหัสพื้นที่ {value} ในทะเบียนพื้นที่",
    "Unknown area code {value} for {field} (not a DOPA code)",
    meaning="a province, district or subdistrict code is not a geothai (DOPA) code, or a postal code is unused",
)
AREA_MISMATCH = ErrorCode(
    "area_mismatch",
    400,
    "รหัสพื้นที่ {value} ไม่อยู่ในพื้นที่ {parent}",
    "Area code {value} in {field} is not inside {parent_field} {parent}",
    meaning="a district or subdistrict is not inside the province or district given, or the postal code is not "
    "theirs",
)
POSTAL_CODE_MISMATCH = AREA_MISMATCH.variant(
    "รหัสไปรษณีย์ {postal} ไม่ตรงกับตำบล/แขวง {subdistrict_th}",
    "Postal code {postal} does not belong to subdistrict {subdistrict_en}",
)
INVALID_POSTAL_CODE = ErrorCode(
    "invalid_postal_code",
    400,
    "รหัสไปรษณีย์ต้องมี 5 หลัก",
    "A postal code has 5 digits",
    meaning="`address.postal_code` is not a Thai postal code",
)
UNKNOWN_POSTAL_CODE = UNKNOWN_AREA.variant(
    "ไม่พบรหัสไปรษณีย์ {postal}", "Unknown postal code {postal} (Thailand Post does not use it)"
)
POSTAL_NOT_IN_DISTRICT = AREA_MISMATCH.variant(
    "รหัสไปรษณีย์ {postal} ไม่อยู่ในอำเภอ/เขต {district}", "Postal code {postal} is not used in district {district}"
)
POSTAL_NOT_IN_PROVINCE = AREA_MISMATCH.variant(
    "รหัสไปรษณีย์ {postal} ไม่อยู่ในจังหวัด {province}", "Postal code {postal} is not used in province {province}"
)
