"""A tracking code as people really type it: lower case, spaces or no dashes, look-alikes, full-width letters, the
Thai keyboard layout left on; and a mistyped one caught by its check character before anything is looked up."""

from __future__ import annotations

from raksa.core.errors import RaksaError
from raksa.core.ids import ALPHABET, new_tracking_code, normalize_tracking_code
from raksa.core.models import RateCount
from raksa.tracking.services import track_lookup
from tests.tracking.helpers import TRACK, TrackingCase, api_path

# The Kedmanee layout, written out here apart from the code under test: each Latin key and the Thai character
# the same key gives, unshifted and shifted.
UNSHIFTED = dict(
    zip(
        "1234567890-qwertyuiopasdfghjklzxcvbnm",
        "ๅ/-ภถุึคตจขๆไำพะัีรนยฟหกดเ้่าสผปแอิืท",
        strict=True,
    )
)
SHIFTED = dict(zip("ERTYUIOPASDFGHJKLCVBN", "ฎฑธํ๊ณฯญฤฆฏโฌ็๋ษศฉฮฺ์", strict=True))
THAI_DIGITS = dict(zip("0123456789", "๐๑๒๓๔๕๖๗๘๙", strict=True))


def on_thai_keyboard(code: str, *, shift: bool = False) -> str:
    """What the keys of `code` give with the Thai layout on (with shift held: capitals, where Thai has them)."""
    typed = []
    for ch in code:
        if shift and ch in SHIFTED:
            typed.append(SHIFTED[ch])
        else:
            typed.append(UNSHIFTED.get(ch.lower(), ch))
    return "".join(typed)


def codes(count: int = 200) -> list[str]:
    return [new_tracking_code() for _ in range(count)]


class ForgivingInputTests:
    def test_it_takes_lower_case_spaces_and_no_dashes(self):
        for code in codes():
            body = code.replace("-", "")
            for typed in (
                code.lower(),
                body,
                body.lower(),
                f" {code[:4]} {code[5:9]} {code[10]} ",
                code.replace("-", " - "),
            ):
                assert normalize_tracking_code(typed) == code, typed

    def test_it_reads_crockfords_look_alikes(self):
        for code in codes():
            typed = code.replace("0", "O").replace("1", "I")
            assert normalize_tracking_code(typed) == code
            assert normalize_tracking_code(code.replace("1", "l")) == code
            assert normalize_tracking_code(code.replace("1", "L").lower()) == code

    def test_it_reads_full_width_letters(self):
        code = new_tracking_code()
        wide = "".join(chr(ord(ch) + 0xFEE0) if ch != "-" else "－" for ch in code)
        assert normalize_tracking_code(wide) == code

    def test_it_reads_a_code_typed_with_the_thai_keyboard_on(self):
        for code in codes(300):
            typed = on_thai_keyboard(code)
            assert any("\u0e00" <= ch <= "\u0e7f" for ch in typed)
            assert normalize_tracking_code(typed) == code, (code, typed)
            assert normalize_tracking_code(typed.replace(on_thai_keyboard("-"), "")) == code

    def test_it_reads_shifted_thai_keys_as_the_capital_letters(self):
        for code in codes(300):
            typed = on_thai_keyboard(code, shift=True)
            assert normalize_tracking_code(typed) == code, (code, typed)

    def test_it_reads_thai_digits_as_digits(self):
        for code in codes():
            typed = "".join(THAI_DIGITS.get(ch, ch) for ch in code)
            assert normalize_tracking_code(typed) == code

    def test_it_refuses_what_is_not_a_code(self):
        for typed in (
            "",
            "   ",
            "RK7Q",
            "RK7Q-M2XW-99",
            "สวัสดีค่ะ",
            "๑๒๓๔",
            "'; DROP TABLE cases; --",
            "x" * 500,
        ):
            assert normalize_tracking_code(typed) is None, typed

    def test_the_check_character_catches_a_mistyped_character_in_any_form_it_is_typed(self):
        for code in codes(30):
            chars = code.replace("-", "")
            for i, ch in enumerate(chars):
                other = ALPHABET[(ALPHABET.index(ch) + 1) % len(ALPHABET)]
                wrong = chars[:i] + other + chars[i + 1 :]
                assert normalize_tracking_code(wrong) is None
                assert normalize_tracking_code(wrong.lower()) is None
                assert normalize_tracking_code(on_thai_keyboard(wrong)) is None


class TypoTests(TrackingCase):
    def mistyped(self) -> str:
        code = self.reported().tracking_code
        first = code[0]
        return ALPHABET[(ALPHABET.index(first) + 1) % len(ALPHABET)] + code[1:]

    def test_a_mistyped_code_is_check_the_code_before_any_look_up(self):
        typed = self.mistyped()
        with self.assertNumQueries(0), self.assertRaises(RaksaError) as caught:
            track_lookup(code=typed, client="203.0.113.10")
        self.assertEqual((caught.exception.code, caught.exception.field), ("tracking_code_invalid", "code"))

    def test_the_page_says_check_the_code_not_not_found(self):
        response = self.public.get(TRACK, {"code": self.mistyped()})
        self.assertEqual(response.status_code, 400)
        page = response.content.decode()
        self.assertIn("ตรวจสอบรหัสอีกครั้ง", page)
        self.assertIn("Check the code", page)
        self.assertNotIn("ไม่พบเรื่อง", page)
        self.assertIn('aria-invalid="true"', page)

    def test_the_api_says_check_the_code_on_its_field(self):
        response = self.public.get(api_path(self.mistyped()))
        self.assertEqual(response.status_code, 400)
        body = response.json()
        self.assertEqual(body["code"], "tracking_code_invalid")
        self.assertEqual([e["field"] for e in body["errors"]], ["code"])

    def test_a_mistyped_code_costs_no_allowance(self):
        typed = self.mistyped()
        for _ in range(30):
            self.public.get(TRACK, {"code": typed})
        self.assertFalse(RateCount.objects.exists())

    def test_the_thai_keyboard_finds_the_case_on_the_page(self):
        case = self.reported()
        response = self.public.get(TRACK, {"code": on_thai_keyboard(case.tracking_code)})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, case.tracking_code)  # the code shown back in its canonical form
