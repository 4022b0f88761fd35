"""The error codes intake raises (the shared ones, such as `required` and `too_long`, are core's)."""

from __future__ import annotations

from raksa.cases.errors import FILE_TYPE_NOT_ALLOWED
from raksa.core.errors import INVALID_CHOICE, NOT_FOUND, OUT_OF_RANGE, REQUIRED, ErrorCode
from raksa.people.errors import INVALID_PHONE

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
# A reporter who asked for texts about her request (updates_by_sms).
SMS_PHONE_REQUIRED = REQUIRED.variant(
    "กรุณาใส่เบอร์โทรศัพท์มือถือเพื่อรับ SMS หรือเอาเครื่องหมายที่ช่องรับ SMS ออก",
    "Give a mobile number to get texts, or untick the box",
)
SMS_NEEDS_MOBILE = INVALID_PHONE.variant(
    "เบอร์นี้เป็นโทรศัพท์บ้าน รับ SMS ไม่ได้ กรุณาใส่เบอร์มือถือ หรือเอาเครื่องหมายที่ช่องรับ SMS ออก",
    "This is a fixed line, which cannot take texts: give a mobile number, or untick the box",
)
SMS_NOT_ANONYMOUS = INVALID_CHOICE.variant(
    "การแจ้งแบบไม่ประสงค์ออกนามไม่เก็บเบอร์โทรศัพท์ จึงส่ง SMS ไม่ได้ กรุณาเลือกอย่างใดอย่างหนึ่ง",
    "An anonymous report keeps no phone number, so it cannot be texted: choose one or the other",
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

# The 1300 console and its call log (raksa.intake.console).
UNKNOWN_AGENT = ErrorCode(
    "unknown_agent",
    400,
    "ไม่พบเจ้าหน้าที่รับสายชื่อผู้ใช้ {username!r} ที่ยังใช้งานอยู่",
    "No active call-taker has the username {username!r}",
    meaning="`agent` of a call event is not the username of an active staff member of the 1300 centre",
)
INVALID_CALLER = INVALID_PHONE.variant(
    "หมายเลขผู้โทร {value} ไม่ใช่หมายเลขโทรศัพท์ไทย (มือถือ 10 หลัก หรือโทรศัพท์บ้าน 9 หลัก) หรือว่าง",
    "The caller number {value} is not a Thai phone number (a mobile has 10 digits, a fixed line 9), nor empty",
)
CALL_TAKEN = ErrorCode(
    "call_taken",
    409,
    "สายนี้มีเจ้าหน้าที่คนอื่นรับไปแล้ว",
    "Another call-taker has already answered this call",
    meaning="an event names an agent other than the one who answered the call: the call stays hers",
)
CALL_NOT_FOUND = NOT_FOUND.variant("ไม่พบสายนี้ในสายของคุณ", "This call is not one of yours")
CALL_OUTCOME_CHOICE = INVALID_CHOICE.variant(
    "ผลของสายต้องเป็นหนึ่งใน: {choices}", "The call's outcome must be one of: {choices}"
)
CALL_ID_REQUIRED = REQUIRED.variant("ต้องระบุรหัสสายของระบบโทรศัพท์", "The exchange's call id is required")
