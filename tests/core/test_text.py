import pytest

from raksa.core.errors import InvalidInput
from raksa.core.text import SHOWN_MAX, clean_text, shown, strip_invisible


def refused(value: str, **options) -> InvalidInput:
    options.setdefault("field", "body")
    options.setdefault("max_length", 100)
    with pytest.raises(InvalidInput) as caught:
        clean_text(value, **options)
    return caught.value


class CleanTextTests:
    def test_it_stores_the_nfc_form(self):
        decomposed = "e\u0301"  # e + combining acute, as some keyboards send it
        assert clean_text(decomposed, field="name", max_length=10) == "\u00e9"

    def test_it_refuses_nul_and_other_control_characters_naming_the_code_point(self):
        for char in ("\x00", "\x07", "\x1b", "\x7f", "\x85", "\x9f"):
            error = refused(f"สม{char}ศรี", field="first_name_th", what_en="first name")
            assert (error.field, error.code) == ("first_name_th", "control_character")
            assert f"U+{ord(char):04X}" in error.message_en
            assert "สม" not in error.message_th + error.message_en  # the value is not sent back

    def test_it_allows_newline_and_tab_only_in_multiline_texts(self):
        assert clean_text("บรรทัดแรก\r\n\tบรรทัดสอง\rสาม", field="body", max_length=100, multiline=True) == (
            "บรรทัดแรก\n\tบรรทัดสอง\nสาม"
        )
        for text in ("สมศรี\nใจดี", "สมศรี\tใจดี"):
            assert refused(text, field="name").code == "control_character"

    def test_it_refuses_a_lone_surrogate(self):
        assert refused("abc\ud800").code == "invalid_character"

    def test_it_removes_bidi_controls_and_zero_width_characters(self):
        hidden = "".join(
            chr(c)
            for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF)
        )
        assert clean_text(f"สม{hidden}ศรี", field="name", max_length=10) == "สมศรี"
        assert clean_text("\u202bnote\u202c", field="body", max_length=10, multiline=True) == "note"

    def test_it_treats_a_text_of_invisible_characters_as_empty(self):
        assert clean_text("\u200b \u200d\ufeff ", field="nickname", max_length=60) == ""
        error = refused("\u200b\u200b", field="body", required=True, what_th="ข้อความบันทึก", what_en="note")
        assert (error.code, error.message_th, error.message_en) == (
            "required",
            "กรุณาระบุข้อความบันทึก",
            "Note is required",
        )

    def test_it_checks_the_length_of_what_is_stored(self):
        assert clean_text("  " + "ก" * 10 + "\u200b  ", field="name", max_length=10) == "ก" * 10
        error = refused("ก" * 20_001, field="description", max_length=20_000, what_en="description")
        assert (error.code, error.message_en) == ("too_long", "Description is longer than 20,000 characters")
        assert len(str(error.as_dict())) < 500

    def test_it_turns_other_values_into_text(self):
        assert clean_text(None, field="name", max_length=10) == ""
        assert clean_text(42, field="name", max_length=10) == "42"


class StripInvisibleTests:
    def test_it_keeps_thai_marks_and_removes_only_format_characters(self):
        assert strip_invisible("น้ำ\u200bใจ\u200e") == "น้ำใจ"


class ShownTests:
    def test_it_quotes_at_most_a_short_printable_part(self):
        assert shown("x" * 10_000) == "x" * (SHOWN_MAX - 1) + "…"
        assert shown("a\x00b") == "a\ufffdb"
        assert shown(7) == "7"
