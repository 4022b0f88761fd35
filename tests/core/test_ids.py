import datetime as dt
import math

from raksa.core.ids import (
    ALPHABET,
    buddhist_year,
    format_case_number,
    new_tracking_code,
    normalize_tracking_code,
)


class CaseNumberTests:
    def test_it_uses_the_buddhist_era_year_and_six_digits(self):
        assert buddhist_year(dt.date(2026, 11, 24)) == 2569
        assert format_case_number(2569, 123) == "2569-000123"


class TrackingCodeTests:
    def test_it_has_the_published_shape_and_at_least_40_random_bits(self):
        code = new_tracking_code()
        body = code.replace("-", "")[:-1]
        assert len(code) == 11 and code[4] == "-" and code[9] == "-"
        assert len(body) * math.log2(len(ALPHABET)) >= 40

    def test_it_is_unguessable_in_practice(self):
        assert len({new_tracking_code() for _ in range(2000)}) == 2000

    def test_it_accepts_what_people_type(self):
        code = new_tracking_code()
        typed = code.lower().replace("-", " ")
        assert normalize_tracking_code(typed) == code

    def test_it_catches_any_mistyped_character_or_neighbour_swap(self):
        for _ in range(50):
            code = new_tracking_code()
            chars = code.replace("-", "")
            for i in range(len(chars)):
                for other in ALPHABET.replace(chars[i], ""):
                    assert normalize_tracking_code(chars[:i] + other + chars[i + 1 :]) is None
                if i + 1 < len(chars) and chars[i] != chars[i + 1]:
                    swapped = chars[:i] + chars[i + 1] + chars[i] + chars[i + 2 :]
                    assert normalize_tracking_code(swapped) is None, swapped
