from raksa.core.identifiers import (
    is_valid_national_id,
    make_national_id,
    normalize_national_id,
    normalize_phone,
    thai_digits_to_arabic,
)


class PhoneTests:
    def test_it_normalises_mobiles_to_national_form(self):
        for raw in [
            "0812345678",
            "081-234-5678",
            "081 234 5678",
            "+66 81 234 5678",
            "+66812345678",
            "66812345678",
        ]:
            assert normalize_phone(raw) == "0812345678", raw

    def test_it_reads_thai_digits(self):
        assert normalize_phone("๐๘๑-๒๓๔-๕๖๗๘") == "0812345678"

    def test_it_keeps_bangkok_landlines_nine_digits(self):
        assert normalize_phone("(02) 123 4567") == "021234567"
        assert normalize_phone("+66 2 123 4567") == "021234567"

    def test_it_refuses_what_is_not_a_phone(self):
        for raw in ["1300", "191", "12345", "08123456789", "0812-ABC-678", "", "10500"]:
            assert normalize_phone(raw) is None, raw

    def test_it_reads_a_number_wrapped_in_invisible_bidi_marks(self):
        # As Android pastes a number from its contacts.
        assert normalize_phone("\u202a081-234-5678\u202c") == "0812345678"
        assert normalize_national_id("\u200e1101700203450") == "1101700203450"


class NationalIdTests:
    def test_it_accepts_a_valid_check_digit(self):
        nid = make_national_id("110170012345")
        assert is_valid_national_id(nid)
        assert is_valid_national_id(f"{nid[0]}-{nid[1:5]}-{nid[5:10]}-{nid[10:12]}-{nid[12]}")

    def test_it_refuses_a_wrong_check_digit(self):
        nid = make_national_id("110170012345")
        wrong = nid[:12] + str((int(nid[12]) + 1) % 10)
        assert not is_valid_national_id(wrong)

    def test_it_reads_thai_digits_and_refuses_short_numbers(self):
        nid = make_national_id("310050012345")
        thai = nid.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))
        assert thai_digits_to_arabic(thai) == nid
        assert normalize_national_id(thai) == nid
        assert is_valid_national_id(thai)
        assert not is_valid_national_id(nid[:12])

    def test_it_accepts_type_zero_ids_of_people_without_thai_status(self):
        nid = make_national_id("008990012345")
        assert is_valid_national_id(nid)
        assert not is_valid_national_id(nid[:12] + str((int(nid[12]) + 3) % 10))
