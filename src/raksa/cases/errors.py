"""The error codes cases raises (the shared ones, such as `required` and `too_long`, are core's)."""

from __future__ import annotations

from raksa.core.errors import OUT_OF_RANGE, REQUIRED, TOO_LONG, TOO_SHORT, ErrorCode

EMERGENCY_TYPE_REQUIRED = ErrorCode(
    "emergency_type_required",
    400,
    "เรื่องฉุกเฉินต้องระบุประเภทเหตุฉุกเฉิน",
    "An emergency needs an emergency type",
    meaning="urgency `emergency` needs one of the five emergency types",
)
BOTH_COORDINATES = REQUIRED.variant("ต้องระบุทั้งละติจูดและลองจิจูด", "Give both latitude and longitude")
COORDINATE_OUT_OF_RANGE = OUT_OF_RANGE.variant(
    "ค่าพิกัด {field} ต้องอยู่ระหว่าง -{limit} ถึง {limit}", "{field} must be a number between -{limit} and {limit}"
)
NO_ROUTE = ErrorCode(
    "no_route",
    400,
    "ไม่พบหน่วยงานที่รับผิดชอบ",
    "No unit can own this case",
    meaning="no unit can own the case: the directory has neither a matching unit nor an active centre",
)
UNIT_INACTIVE = ErrorCode(
    "unit_inactive",
    400,
    "หน่วยงานนี้ปิดใช้งานแล้ว",
    "This unit is no longer active",
    meaning="`to_unit` (or the owning unit given) is no longer active",
)
ASSIGNEE_NO_ACCESS = ErrorCode(
    "assignee_no_access",
    400,
    "ผู้รับมอบหมายไม่มีสิทธิ์เข้าถึงเรื่องนี้",
    "The assignee cannot see this case",
    meaning="the worker to assign is inactive or may not see the case",
)
DUPLICATE_PARTY = ErrorCode(
    "duplicate_party",
    409,
    "บุคคลนี้อยู่ในเรื่องนี้ด้วยบทบาทนี้แล้ว",
    "This person is already on the case in this role",
    meaning="the person is already on the case in this role",
)
ILLEGAL_TRANSITION = ErrorCode(
    "illegal_transition",
    409,
    "ไม่สามารถเปลี่ยนสถานะจาก “{from_th}” เป็น “{to_th}” ได้",
    "Cannot change status from '{from_en}' to '{to_en}'",
    meaning="the status machine does not allow this move from the case's (or referral's) current status",
)
REOPEN_NOT_CLOSED = ILLEGAL_TRANSITION.variant(
    "เปิดเรื่องใหม่ได้เฉพาะเรื่องที่ปิดแล้ว", "Only a closed case can be reopened (this one is '{status}')"
)
REFERRAL_ANSWERED = ILLEGAL_TRANSITION.variant(
    "การส่งต่อนี้ได้รับการตอบแล้ว", "This referral has already been {state}"
)
REFERRAL_REQUIRED = ErrorCode(
    "referral_required",
    409,
    "การส่งต่อต้องระบุหน่วยงานที่รับเรื่อง กรุณาสร้างการส่งต่อ",
    "Referring needs a receiving unit: create a referral instead",
    meaning="`referred` is reached by creating a referral, not by a status change",
)
SAME_UNIT = ErrorCode(
    "same_unit",
    400,
    "ไม่สามารถส่งต่อให้หน่วยงานเจ้าของเรื่องเอง",
    "A case cannot be referred to its own unit",
    meaning="a case cannot be referred to the unit that owns it",
)
DUPLICATE_REFERRAL = ErrorCode(
    "duplicate_referral",
    409,
    "เรื่องนี้ส่งต่อให้หน่วยงานนี้แล้ว",
    "This case is already referred to this unit",
    meaning="the case is already referred to this unit",
)
CASE_CLOSED = ErrorCode(
    "case_closed",
    409,
    "เรื่องนี้ปิดแล้ว",
    "The case is closed",
    meaning="the case was closed before the referral could be accepted, or before a volunteer's follow-up note",
)
FOLLOW_UP_CASE_CLOSED = CASE_CLOSED.variant(
    "เรื่องนี้ปิดแล้ว หากมีเหตุการณ์ใหม่ กรุณาแจ้งเรื่องใหม่",
    "This case is closed: if something new has happened, send a new report",
)
FILE_EMPTY = ErrorCode(
    "file_empty", 400, "ไฟล์ว่างเปล่า", "The file is empty", meaning="the uploaded file has no content"
)
FILE_TOO_LARGE = ErrorCode(
    "file_too_large",
    400,
    "ไฟล์มีขนาดเกิน {mb:g} MB",
    "The file is larger than {mb:g} MB",
    meaning="the uploaded file is larger than the attachment limit",
)
FILE_TYPE_NOT_ALLOWED = ErrorCode(
    "file_type_not_allowed",
    400,
    "ไม่รองรับไฟล์ประเภทนี้ (รองรับรูปภาพ JPEG PNG WebP HEIC, PDF, เสียง MP3 M4A และข้อความ UTF-8)",
    "This type of file is not allowed (pictures: JPEG, PNG, WebP, HEIC; PDF; audio: MP3, M4A; UTF-8 text)",
    meaning="the file's bytes are not a JPEG, PNG, WebP or HEIC picture, a PDF, MP3 or M4A audio, or UTF-8 text",
)
FILE_MARKUP_NOT_ALLOWED = ErrorCode(
    "file_markup_not_allowed",
    400,
    "ไฟล์นี้เป็นหน้าเว็บหรือภาพ SVG (HTML, SVG, XML) ซึ่งมีสคริปต์ได้ จึงแนบไม่ได้ กรุณาแนบเป็น PDF หรือรูปภาพ",
    "This file is a web page or an SVG image (HTML, SVG, XML), which can carry scripts, so it cannot be "
    "attached: attach it as a PDF or a picture instead",
    meaning="the file is HTML, SVG or XML, which can carry scripts",
)
PUBLIC_NOTE_PERSONAL_DATA = ErrorCode(
    "public_note_personal_data",
    400,
    "ข้อความถึงผู้แจ้งแสดงต่อสาธารณะ ห้ามใส่เลขประจำตัวประชาชนหรือเบอร์โทรศัพท์ของผู้เกี่ยวข้อง",
    "A message to the reporter is public: it may not hold a national ID or the phone number of anyone on the case",
    meaning="a public note holds a national ID, or the phone number of someone on the case",
)
INVALID_CURSOR = ErrorCode(
    "invalid_cursor",
    400,
    "ตัวชี้หน้าไม่ถูกต้อง ให้ใช้ค่า next_cursor จากผลลัพธ์ก่อนหน้า",
    "Invalid cursor; pass the next_cursor of a previous page",
    meaning="`cursor` was not returned by this API",
)
# Who may see a person (cases/person_access.py).
BREAK_GLASS_REASON_REQUIRED = REQUIRED.variant(
    "กรุณาเขียนเหตุผลที่ต้องเปิดดูข้อมูลเต็มของบุคคลนี้", "Write why you need to open this person's full record."
)
BREAK_GLASS_REASON_TOO_SHORT = TOO_SHORT.variant(
    "เหตุผลต้องยาวอย่างน้อย {limit} ตัวอักษร เพื่อให้หัวหน้างานเข้าใจได้",
    "The reason must be at least {limit} characters, so that a supervisor can follow it.",
)
BREAK_GLASS_REASON_TOO_LONG = TOO_LONG.variant(
    "เหตุผลยาวได้ไม่เกิน {limit} ตัวอักษร", "The reason may be at most {limit} characters."
)
BREAK_GLASS_NOT_NEEDED = ErrorCode(
    "break_glass_not_needed",
    409,
    "คุณเห็นข้อมูลเต็มของบุคคลนี้อยู่แล้ว ไม่ต้องขอเปิดดู",
    "You already see this person's full record; there is nothing to open.",
    meaning="the caller already sees the person's full record",
)
TOO_MANY_PERSON_VIEWS = ErrorCode(
    "too_many_person_views",
    429,
    "คุณเปิดดูข้อมูลบุคคลครบ {limit} ครั้งในชั่วโมงนี้แล้ว กรุณารออีกประมาณ {minutes} นาที หัวหน้างานของคุณได้รับแจ้งแล้ว",
    "You have asked for {limit} person records this hour, the most allowed. Try again in about "
    "{minutes} minutes; your supervisor has been told.",
    meaning="over the hourly limit of person reads and searches; see `Retry-After`",
)
