"""The error codes of the person index: identifiers, names and dates, matching and merging."""

from __future__ import annotations

from raksa.core.errors import INVALID_CHOICE, REQUIRED, UNKNOWN_FIELD, ErrorCode

INVALID_NATIONAL_ID = ErrorCode(
    "invalid_national_id",
    400,
    "เลขประจำตัวประชาชนต้องมี 13 หลัก",
    "A national ID has 13 digits.",
    meaning="`national_id` is not 13 digits with a valid check digit",
)
NATIONAL_ID_CHECK_DIGIT = INVALID_NATIONAL_ID.variant(
    "เลขประจำตัวประชาชนไม่ถูกต้อง (เลขตรวจสอบไม่ตรง)",
    "The national ID is not valid (its check digit does not match).",
)
INVALID_PHONE = ErrorCode(
    "invalid_phone",
    400,
    "หมายเลขโทรศัพท์{which_th}ไม่ถูกต้อง (มือถือ 10 หลัก หรือโทรศัพท์บ้าน 9 หลัก)",
    "Phone number{which_en} is not valid (a Thai mobile has 10 digits, a fixed line 9)",
    meaning="a phone in `phones` is not a Thai number",
)
INVALID_PASSPORT = ErrorCode(
    "invalid_passport",
    400,
    "เลขหนังสือเดินทางต้องเป็นตัวอักษรหรือตัวเลข 5-20 ตัว",
    "A passport number has 5 to 20 letters or digits.",
    meaning="`passport` is not 5-20 letters or digits",
)
INVALID_LINE_USER_ID = ErrorCode(
    "invalid_line_user_id",
    400,
    "LINE user id ไม่ถูกต้อง",
    "The LINE user id is not valid.",
    meaning="`line_user_id` is not a LINE user id",
)
INVALID_IDENTIFIER = ErrorCode(
    "invalid_identifier",
    400,
    "เลขเอกสารไม่ถูกต้อง",
    "The document number is not valid.",
    meaning="another kind of document number is empty or longer than 64 characters",
)
IDENTIFIER_VALUE_REQUIRED = REQUIRED.variant("กรุณาระบุค่า", "A value is required.")
UNKNOWN_IDENTIFIER_KIND = INVALID_CHOICE.variant("ชนิดเอกสารไม่ถูกต้อง", "Unknown identifier kind.")
INVALID_SEX = INVALID_CHOICE.variant("ค่าเพศไม่ถูกต้อง", "Sex must be female, male, other or unknown.")
INVALID_STATUS = INVALID_CHOICE.variant(
    "สถานะบุคคลไม่ถูกต้อง", "Status must be thai, migrant, stateless, foreign or unknown."
)
UNKNOWN_ADDRESS_FIELD = UNKNOWN_FIELD.variant("ไม่รู้จักช่องข้อมูลนี้", "Unknown address field {name}.")
FIELD_NOT_UPDATABLE = UNKNOWN_FIELD.variant("ไม่สามารถแก้ไขช่องข้อมูลนี้ได้", "The field {field} cannot be changed.")
INVALID_DATE = ErrorCode(
    "invalid_date",
    400,
    "วันเกิดไม่ถูกต้อง (ปปปป-ดด-วว)",
    "The birth date is not valid (YYYY-MM-DD).",
    meaning="not a date (YYYY-MM-DD)",
)
BIRTH_DATE_IN_FUTURE = ErrorCode(
    "birth_date_in_future",
    400,
    "วันเกิดอยู่ในอนาคต",
    "The birth date is in the future.",
    meaning="`birth_date` is after today",
)
BIRTH_DATE_OUT_OF_RANGE = ErrorCode(
    "birth_date_out_of_range",
    400,
    "วันเกิดเก่ากว่า {max_age} ปี",
    "The birth date is more than {max_age} years ago.",
    meaning="`birth_date` is longer ago than anyone lives",
)
AGE_OUT_OF_RANGE = ErrorCode(
    "age_out_of_range",
    400,
    "อายุต้องอยู่ระหว่าง 0-{max_age} ปี",
    "Age must be 0 to {max_age}.",
    meaning="`age` is not a plausible age",
)
BIRTH_YEAR_OUT_OF_RANGE = ErrorCode(
    "birth_year_out_of_range",
    400,
    "ปีเกิดต้องอยู่ระหว่าง ค.ศ. {low}-{high}",
    "The birth year must be between {low} and {high}.",
    meaning="`birth_year` is not a year or not a plausible one",
)
BIRTH_YEAR_NOT_A_YEAR = BIRTH_YEAR_OUT_OF_RANGE.variant("ปีเกิดไม่ถูกต้อง", "The birth year is not valid.")
INVALID_NATIONALITY = ErrorCode(
    "invalid_nationality",
    400,
    "สัญชาติต้องเป็นรหัสประเทศ 2 ตัวอักษร (เช่น TH, MM)",
    "Nationality is a 2-letter country code (e.g. TH, MM).",
    meaning="`nationality` is not an ISO 3166 alpha-2 code",
)
NAME_OR_IDENTIFIER_REQUIRED = ErrorCode(
    "name_or_identifier_required",
    400,
    "ต้องระบุชื่อหรือชื่อเล่น หรือเลขประจำตัว โทรศัพท์ หนังสือเดินทาง หรือ LINE อย่างน้อยหนึ่งอย่าง",
    "Give a name or nickname, or at least one identifier (national ID, phone, passport, LINE id).",
    meaning="a person needs a name or nickname, or at least one identifier",
)
TOO_MANY_PHONES = ErrorCode(
    "too_many_phones",
    400,
    "บุคคลหนึ่งมีหมายเลขโทรศัพท์ได้ไม่เกิน {limit} หมายเลข",
    "A person has at most {limit} phone numbers.",
    meaning="more phones than a person may have (`phones`; the schema gives the limit as `maxItems`)",
)
NOTHING_TO_MATCH = ErrorCode(
    "nothing_to_match",
    400,
    "ต้องระบุชื่อ หรือเลขประจำตัว โทรศัพท์ หรือ LINE อย่างน้อยหนึ่งอย่าง",
    "Give a name or at least one identifier (national ID, phone, LINE id, passport).",
    meaning="a look-up gives neither a name nor an identifier to find someone by",
)
IDENTIFIER_IN_USE = ErrorCode(
    "identifier_in_use",
    409,
    "{label_th}นี้เป็นของบุคคลอื่นในระบบแล้ว",
    "This {label_en} already belongs to another person.",
    meaning="the national ID, passport, phone or LINE id already belongs to another person",
)
NATIONAL_ID_ALREADY_SET = ErrorCode(
    "national_id_already_set",
    409,
    "บุคคลนี้มีเลขประจำตัวประชาชนอยู่แล้ว",
    "This person already has a national ID.",
    meaning="a person has one national ID; a second one is refused",
)
ONE_NATIONAL_ID = NATIONAL_ID_ALREADY_SET.variant(
    "บุคคลหนึ่งมีเลขประจำตัวประชาชนได้เลขเดียว", "A person has one national ID."
)
PERSON_MERGED = ErrorCode(
    "person_merged",
    409,
    "บุคคลนี้ถูกรวมเข้ากับระเบียนอื่นแล้ว",
    "This person was merged into another record.",
    meaning="the person was merged into another record; change the survivor instead",
)
MERGE_INTO_SELF = ErrorCode(
    "merge_into_self",
    409,
    "ไม่สามารถรวมบุคคลเข้ากับตัวเองได้",
    "A person cannot be merged into themselves.",
    meaning="a merge names the same person twice",
)
ALREADY_MERGED = ErrorCode(
    "already_merged",
    409,
    "บุคคลนี้ถูกรวมเข้ากับระเบียนอื่นแล้ว",
    "This person was already merged into another record.",
    meaning="one of the two people of a merge was already merged away",
)
MERGE_ALREADY_REVERSED = ErrorCode(
    "merge_already_reversed",
    409,
    "การรวมนี้ถูกยกเลิกไปแล้ว",
    "This merge was already reversed.",
    meaning="the merge was already reversed",
)
LATER_MERGE_EXISTS = ErrorCode(
    "later_merge_exists",
    409,
    "มีการรวมระเบียนที่เกี่ยวข้องภายหลัง ต้องยกเลิกการรวมนั้นก่อน",
    "A later merge involves these people; reverse it first.",
    meaning="a later merge involves these people and must be reversed first",
)
UNKNOWN_PERSON = ErrorCode(
    "unknown_person",
    400,
    "ไม่พบบุคคลตามรหัสที่ระบุ",
    "No person with this id",
    meaning="`subject_id`, `reporter_id` or a party's `person_id` does not exist",
)
