"""The error codes of the directory: loading its file, area codes of units, and looking units up.

A message of the file loader starts with `{where}`, the entry at fault ("unit 'pso-50'"), so that an
administrator can find it in a file of hundreds of entries.
"""

from __future__ import annotations

from raksa.core.errors import INVALID_CHOICE, NOT_FOUND, REQUIRED, UNKNOWN_AREA, ErrorCode

UNREADABLE = ErrorCode(
    "unreadable",
    400,
    "อ่านไฟล์ทำเนียบหน่วยงานไม่ได้: {reason}",
    "Cannot read the directory file: {reason}",
    meaning="the directory file cannot be read or is not JSON (`raksa load_directory`)",
)
NOT_AN_OBJECT = UNREADABLE.variant("ไฟล์ทำเนียบหน่วยงานผิดรูปแบบ", "The directory file is not a JSON object")
DUPLICATE = ErrorCode(
    "duplicate",
    400,
    "{where}: รหัสหน่วยงานว่างหรือซ้ำ",
    "{where}: unit code is empty or repeated",
    meaning="an entry of the directory file repeats a unit code or a contact",
)
DUPLICATE_CONTACT = DUPLICATE.variant("{where}: ช่องทางติดต่อซ้ำ", "{where}: a contact is listed twice")
UNKNOWN_AGENCY = ErrorCode(
    "unknown_agency",
    400,
    "{where}: ไม่พบกรม/หน่วยงาน {agency!r}",
    "{where}: unknown agency {agency!r}",
    meaning="a unit or routing rule of the directory file names an agency that does not exist",
)
INVALID_CONTACT = ErrorCode(
    "invalid_contact",
    400,
    "{where}: {problem_th}",
    "{where}: {problem_en}",
    meaning="a unit's contact is not a Thai phone, an email or a LINE group id",
)
AGENCY_INCOMPLETE = REQUIRED.variant("{where}: ต้องมีรหัสและชื่อ", "{where}: code and name_th are required")
UNKNOWN_KIND = INVALID_CHOICE.variant("{where}: ประเภทไม่ถูกต้อง", "{where}: unknown kind {kind!r}")
UNKNOWN_CATEGORY = INVALID_CHOICE.variant("{where}: ไม่รู้จักหมวดปัญหา", "{where}: unknown category")
UNKNOWN_UNIT_PROVINCE = UNKNOWN_AREA.variant(
    "{where}: ไม่พบจังหวัดรหัส {province!r} ในข้อมูล geothai",
    "{where}: unknown province code {province!r} (not in geothai)",
)
UNKNOWN_UNIT_AREA = UNKNOWN_AREA.variant("{where}: {problem_th}", "{where}: {problem_en}")
# What area_code_problem and the admin's forms say about one code.
AREA_CODE_SHAPE = UNKNOWN_AREA.variant(
    "รหัสพื้นที่ {code!r} ต้องเป็นรหัสจังหวัด 2 หลักหรือรหัสอำเภอ 4 หลัก",
    "Area code {code!r} must be a 2-digit province or 4-digit district code",
)
UNKNOWN_PROVINCE = UNKNOWN_AREA.variant(
    "ไม่พบจังหวัดรหัส {code} ในข้อมูล geothai", "Unknown province code {code} (not in geothai)"
)
UNKNOWN_DISTRICT = UNKNOWN_AREA.variant(
    "ไม่พบอำเภอรหัส {code} ในข้อมูล geothai", "Unknown district code {code} (not in geothai)"
)
UNKNOWN_HOME_PROVINCE = UNKNOWN_AREA.variant(
    "ไม่พบจังหวัดรหัส {code!r} ในข้อมูล geothai", "Unknown province code {code!r} (not in geothai)"
)
DIRECTORY_EMPTY = ErrorCode(
    "directory_empty",
    404,
    "ยังไม่มีทำเนียบหน่วยงาน: ให้ผู้ดูแลระบบรัน raksa load_directory",
    "The directory is not loaded: an administrator must run `raksa load_directory`",
    meaning="no unit can be routed to because the directory is not loaded",
)
UNIT_NOT_FOUND = NOT_FOUND.variant("ไม่พบหน่วยงานรหัส {code}", "Unit {code!r} not found")
UNKNOWN_UNIT = ErrorCode(
    "unknown_unit",
    400,
    "ไม่พบหน่วยงานตามรหัสที่ระบุ",
    "No unit with code '{code}'",
    meaning="`to_unit` (or `--unit`) is not a unit code",
)
