import json
from pathlib import Path

from raksa.core.identifiers import make_national_id
from raksa.triage.entities import extract_entities

VALID_ID = make_national_id("110170012345")
INVALID_ID = VALID_ID[:-1] + str((int(VALID_ID[-1]) + 1) % 10)
CASES = Path(__file__).with_name("entities_cases.jsonl")


class PhoneTests:
    def test_it_reads_thai_digits(self):
        assert extract_entities("โทร ๐๘๑๒๓๔๕๖๗๘ นะคะ").phones == ("0812345678",)

    def test_it_reads_plus_66_forms(self):
        text = "+66 81 234 5678 หรือ +66812345679 หรือ 66812345670 หรือ +66 (0) 81 234 5671"
        assert extract_entities(text).phones == ("0812345678", "0812345679", "0812345670", "0812345671")

    def test_it_reads_dashes_spaces_and_brackets(self):
        text = "081-234-5678, 081 234 5679, 02-123-4567, (02) 123 4568"
        assert extract_entities(text).phones == ("0812345678", "0812345679", "021234567", "021234568")

    def test_it_reads_a_number_read_out_digit_by_digit(self):
        assert extract_entities("ติดต่อกลับเบอร์ 0 9 8 3 3 0 7 1 5 6 นะคะ").phones == ("0983307156",)
        assert extract_entities("call 0 2 8 8 1 7 7 2 0").phones == ("028817720",)
        spaced_id = " ".join(VALID_ID)
        found = extract_entities(f"เลขบัตร {spaced_id}")
        assert (found.national_ids, found.phones) == ((VALID_ID,), ())

    def test_it_separates_two_phones_written_side_by_side(self):
        assert extract_entities("0812345678 0898765432").phones == ("0812345678", "0898765432")

    def test_it_does_not_read_hotlines_postal_codes_dates_or_amounts(self):
        text = "โทร 1300 หรือ 191 อยู่ 10500 วันที่ 12-05-2567 ยืมเงิน 5000 บาท"
        assert extract_entities(text).phones == ()

    def test_it_does_not_read_a_national_id_as_a_phone(self):
        assert extract_entities(VALID_ID).phones == ()

    def test_it_removes_duplicates_in_order(self):
        assert extract_entities("0812345678 หรือ 081-234-5678").phones == ("0812345678",)


class NationalIdTests:
    def test_it_reads_plain_dashed_spaced_and_thai_digit_ids(self):
        dashed = f"{VALID_ID[0]}-{VALID_ID[1:5]}-{VALID_ID[5:10]}-{VALID_ID[10:12]}-{VALID_ID[12]}"
        spaced = dashed.replace("-", " ")
        thai = VALID_ID.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))
        for text in (VALID_ID, dashed, spaced, thai):
            assert extract_entities(f"เลขบัตร {text} ค่ะ").national_ids == (VALID_ID,), text

    def test_it_refuses_an_invalid_check_digit(self):
        entities = extract_entities(f"บัตรประชาชน {INVALID_ID}")
        assert entities.national_ids == ()
        assert entities.invalid_national_ids == (INVALID_ID,)

    def test_it_does_not_read_a_national_id_as_a_postal_code(self):
        assert extract_entities(f"เลขบัตร {VALID_ID[0]} {VALID_ID[1:5]} {VALID_ID[5:10]}").postal_codes == ()


class AgeTests:
    def test_it_reads_thai_ages(self):
        assert extract_entities("อายุ 45 ปี").ages == (45,)
        assert extract_entities("อายุ ๑๕ ปี").ages == (15,)
        assert extract_entities("อายุประมาณ 70").ages == (70,)
        assert extract_entities("เด็ก 5 ขวบ").ages == (5,)
        assert extract_entities("ลูกสาว 15 ปี").ages == (15,)

    def test_it_reads_english_ages(self):
        assert extract_entities("aged 12").ages == (12,)
        assert extract_entities("he is 12 years old").ages == (12,)
        assert extract_entities("a 12-year-old girl").ages == (12,)
        assert extract_entities("a 70 year old man").ages == (70,)

    def test_it_ignores_durations_and_implausible_ages(self):
        assert extract_entities("แต่งงานมา 10 ปี").ages == ()
        assert extract_entities("อายุ 150").ages == ()
        assert extract_entities("ท้อง 7 เดือน").ages == ()


class NameTests:
    def test_it_reads_stated_thai_names(self):
        assert extract_entities("ชื่อ สมศรี ใจดี อายุ 45").names == ("สมศรี ใจดี",)
        assert extract_entities("ชื่อนางสาวสมศรี").names == ("สมศรี",)
        assert extract_entities("ชื่อสมชายอายุ 40").names == ("สมชาย",)
        assert extract_entities("ด.ญ.มาลี ดีใจ หายออกจากบ้าน").names == ("มาลี ดีใจ",)

    def test_it_reads_stated_english_names(self):
        assert extract_entities("my name is John Smith and I need help").names == ("John Smith",)
        assert extract_entities("name: Anna").names == ("Anna",)

    def test_it_does_not_invent_names(self):
        assert extract_entities("ไม่ทราบชื่อ ชื่ออะไรก็ไม่รู้").names == ()


class EntitiesTests:
    def test_it_reads_a_whole_report(self):
        entities = extract_entities(
            f"ช่วยด้วยค่ะ ชื่อ สมศรี ใจดี อายุ ๓๕ ปี บัตร {VALID_ID} ผัวตี อยู่ ต.ในเมือง อ.เมือง จ.ขอนแก่น 40000 "
            "โทร 081-234-5678"
        )
        assert entities.phones == ("0812345678",)
        assert entities.national_ids == (VALID_ID,)
        assert entities.ages == (35,)
        assert entities.names == ("สมศรี ใจดี",)
        assert entities.province_codes == ("40",)
        assert entities.district_codes == ("4001",)
        assert entities.subdistrict_codes == ("400101",)
        assert entities.postal_codes == ("40000",)

    def test_it_ignores_zero_width_characters_inside_numbers(self):
        assert extract_entities("08\u200b1234\u200b5678").phones == ("0812345678",)

    def test_it_returns_empty_entities_for_empty_text(self):
        assert extract_entities("").as_dict()["phones"] == []


def _f1(expected: list[set[str]], found: list[set[str]]) -> float:
    true_pos = sum(len(e & f) for e, f in zip(expected, found, strict=True))
    false_pos = sum(len(f - e) for e, f in zip(expected, found, strict=True))
    false_neg = sum(len(e - f) for e, f in zip(expected, found, strict=True))
    if true_pos == 0:
        return 1.0 if false_pos == false_neg == 0 else 0.0
    precision = true_pos / (true_pos + false_pos)
    recall = true_pos / (true_pos + false_neg)
    return 2 * precision * recall / (precision + recall)


class HeldOutCasesTests:
    """Realistic reports written by hand, none of them used to write the rules' examples."""

    def _scores(self) -> dict[str, float]:
        cases = [json.loads(line) for line in CASES.read_text(encoding="utf-8").splitlines() if line.strip()]
        found = [extract_entities(case["text"]) for case in cases]
        fields = {"phones": "phones", "national_ids": "national_ids", "province_codes": "province_codes"}
        return {
            name: _f1([set(c[key]) for c in cases], [set(getattr(f, key)) for f in found])
            for name, key in fields.items()
        }

    def test_it_has_enough_cases(self):
        assert len(CASES.read_text(encoding="utf-8").splitlines()) >= 60

    def test_it_reaches_the_quality_bar(self):
        scores = self._scores()
        assert scores["phones"] >= 0.97, scores
        assert scores["national_ids"] >= 0.97, scores
        assert scores["province_codes"] >= 0.95, scores
