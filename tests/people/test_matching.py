from __future__ import annotations

from django.test import SimpleTestCase

from raksa.people.matching import name_key, name_similarity, name_soundex, normalize_passport, strip_title


class MatchingTests(SimpleTestCase):
    def test_it_strips_thai_titles_with_or_without_a_space(self) -> None:
        self.assertEqual(strip_title("นางสาวสมศรี ใจดี"), ("นางสาว", "สมศรี ใจดี"))
        self.assertEqual(strip_title("น.ส.สมศรี"), ("น.ส.", "สมศรี"))
        self.assertEqual(strip_title("นาย  สมชาย"), ("นาย", "สมชาย"))
        self.assertEqual(strip_title("ด.ญ. มะลิ"), ("ด.ญ.", "มะลิ"))
        self.assertEqual(strip_title("เด็กชายก้อง"), ("เด็กชาย", "ก้อง"))
        self.assertEqual(strip_title("พล.ต.อ.สมชาย ใจกล้า"), ("พล.ต.อ.", "สมชาย ใจกล้า"))

    def test_it_keeps_names_that_only_start_like_a_title(self) -> None:
        self.assertEqual(strip_title("คุณากร ดีมาก"), ("", "คุณากร ดีมาก"))
        self.assertEqual(strip_title("นายิกา"), ("", "นายิกา"))

    def test_it_strips_english_titles(self) -> None:
        self.assertEqual(strip_title("Mr. John Smith"), ("Mr.", "John Smith"))
        self.assertEqual(strip_title("Ms Aye Aye"), ("Ms", "Aye Aye"))
        self.assertEqual(strip_title("Missy Doe"), ("", "Missy Doe"))

    def test_it_builds_one_key_for_the_same_name_written_differently(self) -> None:
        self.assertEqual(name_key("นางสาวสมศรี   ใจดี"), name_key("สมศรี ใจดี"))
        self.assertEqual(name_key("Mr JOHN  Smith"), "john smith")
        self.assertEqual(name_key("บ้าน ๑๒"), "บ้าน 12")

    def test_it_gives_a_misspelt_thai_name_the_same_soundex(self) -> None:
        self.assertEqual(name_soundex("สมศรี", "ใจดี"), name_soundex("สมสี", "ใจดี"))
        self.assertNotEqual(name_soundex("สมศรี", "ใจดี"), name_soundex("มาลี", "ใจดี"))
        self.assertEqual(name_soundex("John", "Smith"), name_soundex("Jon", "Smyth"))

    def test_it_scores_similar_names_higher(self) -> None:
        self.assertEqual(name_similarity("ใจดี สมศรี", "นางสาวสมศรี ใจดี"), 1.0)
        self.assertGreater(name_similarity("สมสี ใจดี", "สมศรี ใจดี"), 0.8)
        self.assertLess(name_similarity("มาลี รักไทย", "สมศรี ใจดี"), 0.5)

    def test_it_normalises_passport_numbers(self) -> None:
        self.assertEqual(normalize_passport("aa 123-4567"), "AA1234567")
        self.assertIsNone(normalize_passport("12"))
