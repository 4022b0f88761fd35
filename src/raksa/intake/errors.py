"""The error codes intake raises (the shared ones, such as `required` and `too_long`, are core's)."""

from __future__ import annotations

from raksa.cases.errors import FILE_TYPE_NOT_ALLOWED
from raksa.core.errors import OUT_OF_RANGE, REQUIRED, ErrorCode

IDEMPOTENCY_KEY_REUSED = ErrorCode(
    "idempotency_key_reused",
    409,
    "รหัสป้องกันการส่งซ้ำนี้ใช้กับการแจ้งเรื่องอื่นไปแล้ว",
    "This idempotency key was already used for a different report",
    meaning="the same `Idempotency-Key` came with a different body: the first report stands, nothing new is made",
)
IDEMPOTENCY_KEY_REQUIRED = REQUIRED.variant(
    "ต้องส่งส่วนหัว Idempotency-Key (1-200 ตัวอักษร)", "The Idempotency-Key header is required (1-200 characters)"
)
TEXT_OR_EMERGENCY_REQUIRED = REQUIRED.variant(
    "กรุณาเล่าเรื่องที่เกิดขึ้น หรือเลือกประเภทเหตุฉุกเฉิน",
    "Describe what happened, or choose an emergency type",
)
OUTSIDE_THAILAND = ErrorCode(
    "outside_thailand",
    400,
    "ตำแหน่งนี้อยู่นอกประเทศไทย",
    "This location is outside Thailand",
    meaning="`location` coordinates are valid but not inside Thailand's bounds",
)
COORDINATE_RANGE = OUT_OF_RANGE.variant(
    "ค่าพิกัด {field} ต้องเป็นตัวเลขระหว่าง -{limit} ถึง {limit}",
    "{field} must be a number between -{limit} and {limit}",
)
TOO_MANY_FILES = ErrorCode(
    "too_many_files",
    400,
    "แนบไฟล์ได้ไม่เกิน {limit} ไฟล์",
    "At most {limit} files can be attached",
    meaning="more files than a report takes",
)
CASE_NOT_OPEN = ErrorCode(
    "case_not_open",
    409,
    "เรื่องนี้ปิดแล้ว เพิ่มการแจ้งไม่ได้",
    "This case is closed: a report cannot be added to it",
    meaning="a report or an incident can only join an open case",
)
JOIN_NOT_SAME_INCIDENT = ErrorCode(
    "join_not_same_incident",
    409,
    "รวมได้เฉพาะเรื่องฉุกเฉินประเภทเดียวกันที่ยังเปิดอยู่",
    "Only open emergencies of the same type can be joined",
    meaning="joining needs two different open emergency cases of the same emergency type",
)
PHOTO_TYPE_NOT_ALLOWED = FILE_TYPE_NOT_ALLOWED.variant(
    "แนบได้เฉพาะรูปภาพ JPEG PNG WebP หรือ HEIC", "Only JPEG, PNG, WebP or HEIC pictures can be attached"
)
CONSENT_METHOD_REQUIRED = REQUIRED.variant("กรุณาระบุวิธีให้ความยินยอม", "Say how consent was given")
CONSENT_REQUIRED = REQUIRED.variant(
    "อาสาสมัครต้องบันทึกความยินยอมของผู้ที่แจ้งแทน", "A volunteer must record the consent of the person she reports for"
)
TOO_MANY_REPORTS = ErrorCode(
    "too_many_reports",
    429,
    "มีการแจ้งเรื่องจากเครือข่ายนี้หลายครั้งเกินไป กรุณารอประมาณ {minutes} นาทีแล้วลองใหม่",
    "Too many reports have come from this network. Please wait about {minutes} minutes and try again.",
    meaning="the public report form: one client address sent more reports than RAKSA_REPORT_RATE_* allow "
    "(5 in 10 minutes, 20 a day by default); see `Retry-After`",
)
