"""The error codes of the public tracking page and API."""

from __future__ import annotations

from raksa.core.errors import NOT_FOUND, ErrorCode

TRACKING_CODE_INVALID = ErrorCode(
    "tracking_code_invalid",
    400,
    "ตรวจสอบรหัสอีกครั้ง รหัสติดตามมี 9 ตัว เช่น RK7Q-M2XW-9 (ตัวอักษรภาษาอังกฤษและตัวเลข)",
    "Check the code: a tracking code has 9 letters and digits, such as RK7Q-M2XW-9",
    meaning="the tracking code is not one Raksa could have given: wrong length, or its check character does not "
    "match (a mistyped character); nothing was looked up",
)
TRACKING_SECRET_INVALID = ErrorCode(
    "tracking_secret_invalid",
    400,
    "ใส่เลข 4 ตัวท้ายของเบอร์โทรศัพท์ที่ให้ไว้ตอนแจ้ง หรือรหัส PIN 6 หลักที่ได้รับตอนแจ้ง",
    "Give the last 4 digits of the phone number you gave when reporting, or the 6-digit PIN you were shown",
    meaning="`X-Tracking-Secret` is neither 4 digits (the end of the reporter's phone number) nor a 6-digit PIN",
)
# One answer for a code nobody was given and for a code with the wrong second factor: a guess learns nothing.
TRACKING_NOT_FOUND = NOT_FOUND.variant(
    "ไม่พบเรื่องที่ใช้รหัสนี้ ตรวจสอบรหัสอีกครั้ง หรือโทร 1300",
    "No request has this code. Check the code, or call 1300.",
)
TRACKING_NO_MATCH = NOT_FOUND.variant(
    "ไม่พบเรื่องที่ตรงกับรหัสติดตามและข้อมูลยืนยันนี้ ตรวจสอบทั้งสองอย่างอีกครั้ง หรือโทร 1300",
    "No request matches this tracking code and this second factor. Check both, or call 1300.",
)
TOO_MANY_TRACKING_FAILURES = ErrorCode(
    "too_many_tracking_failures",
    429,
    "ลองรหัสที่ไม่ถูกต้องหลายครั้งเกินไป กรุณารออีกประมาณ {minutes} นาที แล้วลองใหม่ หรือโทร 1300",
    "Too many codes or second factors that did not match. Try again in about {minutes} minutes, or call 1300.",
    meaning="too many failed look-ups from this address, or of this tracking code; `Retry-After` says when to "
    "try again",
)
