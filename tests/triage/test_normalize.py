from raksa.triage.normalize import clean, normalize, tokenize


class NormalizeTests:
    def test_it_turns_thai_digits_into_arabic(self):
        assert normalize("โทร ๐๘๑๒๓๔๕๖๗๘") == "โทร 0812345678"

    def test_it_removes_zero_width_characters(self):
        assert normalize("ช่วย\u200bด้วย\u200c\ufeff\u2060ค่ะ") == "ช่วยด้วยค่ะ"

    def test_it_collapses_elongated_characters(self):
        assert normalize("ช่วยยยยด้วยยยย!!!!") == "ช่วยด้วย!"
        assert normalize("HELPPP") == "help"
        assert normalize("ป่วย่่่") == normalize("ป่วย่")

    def test_it_never_collapses_digits(self):
        assert normalize("0800000000 ยืม 1000 บาท") == "0800000000 ยืม 1000 บาท"

    def test_it_maps_misspelt_calls_for_help(self):
        for text in ("ช่วยด้วยย", "ชวยด้วย", "ช่วยดวย", "ช่วยด้วยยยยยยย"):
            assert normalize(text) == "ช่วยด้วย"

    def test_it_maps_colloquial_forms(self):
        assert normalize("ไปได้มั้ย") == "ไปได้ไหม"
        assert normalize("บ่ได้กินข้าว") == "ไม่ได้กินข้าว"
        assert normalize("แจ้งตร.แล้ว") == "แจ้งตำรวจแล้ว"
        assert normalize("อยู่รพ.ศิริราช") == "อยู่โรงพยาบาลศิริราช"
        assert normalize("pls help") == "please help"

    def test_it_reads_northern_forms_as_central_thai(self):
        assert normalize("ขังไว้บ่หื้อออก") == "ขังไว้ไม่ให้ออก"
        assert normalize("ฆ่าหื้อต๋าย") == "ฆ่าให้ตาย"
        assert normalize("ป้อเมา") == "พ่อเมา"
        assert normalize("ป้อมตำรวจ") == "ป้อมตำรวจ"

    def test_it_keeps_words_that_only_look_colloquial(self):
        assert normalize("บ่อน้ำตอนบ่าย") == "บ่อน้ำตอนบ่าย"
        assert normalize("ห้อง 20 ตร.ม.") == "ห้อง 20 ตร.ม."
        assert normalize("หาคนจ้างงาน") == "หาคนจ้างงาน"

    def test_it_repairs_two_sara_e(self):
        assert normalize("เเม่") == "แม่"

    def test_it_keeps_address_abbreviations(self):
        assert normalize("อ.เมือง  จ.ขอนแก่น   10500") == "อ.เมือง จ.ขอนแก่น 10500"

    def test_it_is_idempotent(self):
        text = "ช่วยยยด้วยย ผัวตีหนู!!! โทร ๐๘๑-๒๓๔-๕๖๗๘ pls"
        assert normalize(normalize(text)) == normalize(text)

    def test_clean_changes_only_digits_zero_width_and_spaces(self):
        assert clean("ชื่อ  นายสมชายยยย\u200b โทร ๐๘๑") == "ชื่อ นายสมชายยยย โทร 081"


class TokenizeTests:
    def test_it_splits_thai_into_words_offline(self):
        assert tokenize("ช่วยยยด้วยค่ะ ผัวตีหนู") == ["ช่วยด้วย", "ค่ะ", "ผัว", "ตี", "หนู"]

    def test_it_returns_nothing_for_empty_text(self):
        assert tokenize("  \u200b ") == []
