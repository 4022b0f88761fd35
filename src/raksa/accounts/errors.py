"""The error codes of staff accounts and their API tokens (mostly seen by `raksa token`)."""

from __future__ import annotations

from raksa.core.errors import INVALID_CHOICE, NOT_FOUND, REQUIRED, ErrorCode
from raksa.directory.errors import UNKNOWN_UNIT

USERNAME_REQUIRED = REQUIRED.variant("ต้องระบุชื่อผู้ใช้", "A username is required")
UNKNOWN_ROLE = INVALID_CHOICE.variant(
    "ไม่รู้จักบทบาท {role!r} (ใช้ได้: {roles})", "Unknown role {role!r} (one of: {roles})"
)
UNKNOWN_SERVICE = INVALID_CHOICE.variant(
    "ไม่รู้จักบริการ {service!r} (ใช้ได้: {services})", "Unknown service {service!r} (one of: {services})"
)
UNKNOWN_STAFF_UNIT = UNKNOWN_UNIT.variant(
    "ไม่พบหน่วยงานรหัส {code!r}{hint_th}", "Unknown unit {code!r}{hint_en}"
)
INACTIVE_UNIT = ErrorCode(
    "inactive_unit",
    400,
    "หน่วยงาน {code!r} ปิดใช้งานแล้ว",
    "Unit {code!r} is deactivated",
    meaning="the unit given to `raksa token create` is deactivated",
)
USER_INACTIVE = ErrorCode(
    "user_inactive",
    409,
    "ผู้ใช้ {username!r} ถูกปิดใช้งาน: เปิดใช้งานในหน้าผู้ดูแลระบบก่อน",
    "User {username!r} is deactivated: reactivate them in the admin first",
    meaning="the user is deactivated and is not silently brought back",
)
TOKEN_NOT_FOUND = NOT_FOUND.variant(
    "ไม่พบโทเค็นที่ยังใช้งานได้ซึ่งขึ้นต้นด้วย {prefix!r}", "No live token with prefix {prefix!r}"
)
AMBIGUOUS_PREFIX = ErrorCode(
    "ambiguous_prefix",
    409,
    "มีโทเค็นมากกว่าหนึ่งรายการที่ขึ้นต้นด้วย {prefix!r}: ระบุ --user ด้วย",
    "More than one live token has prefix {prefix!r}: add --user",
    meaning="more than one live token has this prefix (`raksa token revoke`)",
)
WRONG_CODE = ErrorCode(
    "wrong_code",
    400,
    "รหัสไม่ถูกต้องหรือหมดเวลาแล้ว ลองรหัสใหม่จากแอป",
    "The code is wrong or has expired: try the app's current code",
    meaning="a second-factor code is wrong or expired",
)
TOO_MANY_ATTEMPTS = ErrorCode(
    "too_many_attempts",
    400,
    "กรอกรหัสผิดหลายครั้ง กรุณารอสักครู่แล้วลองใหม่",
    "Too many wrong codes: wait a little, then try again",
    meaning="too many wrong second-factor codes: even a right one is refused for a while",
)
ALREADY_ENROLLED = ErrorCode(
    "already_enrolled",
    409,
    "ตั้งค่าแอปยืนยันตัวตนไว้แล้ว",
    "An authenticator app is already set up",
    meaning="the user already has a confirmed authenticator app",
)
NO_ENROLMENT = ErrorCode(
    "no_enrolment",
    409,
    "ยังไม่ได้เริ่มตั้งค่าแอปยืนยันตัวตน",
    "No authenticator app is being set up",
    meaning="there is no authenticator app being set up to confirm",
)
INVALID_KEY = ErrorCode(
    "invalid_key",
    400,
    "กุญแจต้องเป็นเลขฐานสิบหกยาว 16 ถึง 40 ไบต์",
    "The key must be 16 to 40 bytes written in hexadecimal",
    meaning="an authenticator key is not 16 to 40 bytes of hexadecimal (the demo's staff)",
)
