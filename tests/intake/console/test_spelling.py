"""Tracking codes read aloud: every character of the code alphabet has its Thai word, groups kept."""

from __future__ import annotations

from django.test import SimpleTestCase

from raksa.core.ids import ALPHABET, new_tracking_code
from raksa.intake.console.spelling import SPOKEN, spell_code, spell_line, spoken


class SpellingTests(SimpleTestCase):
    def test_every_character_of_the_alphabet_has_a_thai_word(self):
        self.assertEqual(set(SPOKEN), set(ALPHABET))
        for char in ALPHABET:
            with self.subTest(char=char):
                word = spoken(char)
                self.assertTrue(any("\u0e00" <= c <= "\u0e7f" for c in word.thai), word)
                self.assertTrue(word.english)

    def test_letters_that_sound_alike_get_words_that_do_not(self):
        said = [spoken(c).thai for c in "BDPTV"]
        self.assertEqual(len(set(said)), 5)
        self.assertEqual(spoken("M").thai, "เอ็ม ไมค์")
        self.assertEqual(spoken("N").thai, "เอ็น โนเวมเบอร์")

    def test_digits_are_thai_numbers(self):
        self.assertEqual(
            [spoken(c).thai for c in "0123456789"],
            ["ศูนย์", "หนึ่ง", "สอง", "สาม", "สี่", "ห้า", "หก", "เจ็ด", "แปด", "เก้า"],
        )

    def test_a_code_is_spelled_in_its_groups(self):
        groups = spell_code("RK7Q-M2XW-9")
        self.assertEqual([[s.char for s in g] for g in groups], [list("RK7Q"), list("M2XW"), ["9"]])
        self.assertEqual(
            spell_line("RK7Q-M2XW-9"),
            "อาร์ โรมิโอ เค กิโล เจ็ด คิว ควิเบก / เอ็ม ไมค์ สอง เอ็กซ์ เอกซเรย์ ดับเบิลยู วิสกี้ / เก้า",
        )

    def test_any_code_issued_can_be_spelled(self):
        for _ in range(50):
            code = new_tracking_code()
            self.assertEqual("".join(s.char for g in spell_code(code) for s in g), code.replace("-", ""))

    def test_a_lower_case_code_reads_the_same(self):
        self.assertEqual(spell_line("rk7q-m2xw-9"), spell_line("RK7Q-M2XW-9"))
