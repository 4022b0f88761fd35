"""The rich menu's picture and areas: LINE's size and limits, the same actions as the welcome's quick replies."""

from __future__ import annotations

import io
from pathlib import Path

from django.test import SimpleTestCase
from PIL import Image, ImageChops, ImageDraw, features

from raksa.intake.line import messages
from raksa.intake.line.richmenu import (
    CHAT_BAR_TEXT,
    IMAGE_MAX_BYTES,
    MENU_NAME_PREFIX,
    _font,
    rich_menu,
    rich_menu_pixels,
)

DOCS_COPY = Path(__file__).resolve().parents[3] / "docs" / "line-rich-menu.png"


class RichMenuTests(SimpleTestCase):
    def setUp(self) -> None:
        self.menu = rich_menu()

    def test_the_image_is_a_png_of_the_declared_size_under_lines_1_mb(self):
        size = self.menu.menu["size"]
        self.assertEqual((size["width"], size["height"]), (2500, 1686))  # LINE's large menu
        with Image.open(io.BytesIO(self.menu.image)) as image:
            self.assertEqual(image.format, "PNG")
            self.assertEqual(image.size, (size["width"], size["height"]))
        self.assertLess(len(self.menu.image), IMAGE_MAX_BYTES)

    def test_thai_is_shaped_a_tone_mark_stacked_above_its_vowel(self):
        # Without Raqm, Pillow's basic layout draws the tone mark of คลั่ง into the vowel under it.
        self.assertTrue(features.check("raqm"))
        font = _font(200)

        def ink(text: str) -> Image.Image:
            image = Image.new("L", (600, 500), 0)
            ImageDraw.Draw(image).text((100, 350), text, font=font, fill=255, anchor="ls", language="th")
            return image

        vowel, both = ink("ลั"), ink("ลั่")
        mark = ImageChops.subtract(both, vowel).getbbox()
        assert mark is not None
        top_of_vowel = vowel.getbbox()[1]  # type: ignore[index]
        self.assertLessEqual(mark[3], top_of_vowel)  # the mark ends above where the vowel begins

    def test_every_area_lies_within_the_image_and_together_they_cover_it_once(self):
        size = self.menu.menu["size"]
        covered = 0
        boxes = []
        for area in self.menu.menu["areas"]:
            b = area["bounds"]
            self.assertGreaterEqual(b["x"], 0)
            self.assertGreaterEqual(b["y"], 0)
            self.assertLessEqual(b["x"] + b["width"], size["width"])
            self.assertLessEqual(b["y"] + b["height"], size["height"])
            boxes.append((b["x"], b["y"], b["x"] + b["width"], b["y"] + b["height"]))
            covered += b["width"] * b["height"]
        for i, one in enumerate(boxes):
            for other in boxes[i + 1 :]:
                overlap = min(one[2], other[2]) > max(one[0], other[0]) and min(one[3], other[3]) > max(
                    one[1], other[1]
                )
                self.assertFalse(overlap, (one, other))
        self.assertEqual(covered, size["width"] * size["height"])  # no dead space: every tap does something

    def test_the_areas_carry_the_quick_replies_actions(self):
        quick = [item["action"] for item in messages.welcome("th")["quick_reply"]["items"]]
        areas = [area["action"] for area in self.menu.menu["areas"]]

        def postbacks(actions: list[dict[str, str]]) -> set[tuple[str, str]]:
            return {(a["data"], a["displayText"]) for a in actions if a["type"] == "postback"}

        # The same taps, said the same way in her chat (the menu puts "track my case" first of the three).
        self.assertEqual(postbacks(areas), postbacks(quick))
        self.assertEqual(len(areas), 8)
        self.assertEqual(
            [a["data"] for a in areas[:5]],
            [messages.emergency_data(kind) for kind in messages.EMERGENCY_LABELS],
        )
        self.assertEqual([a["data"] for a in areas[5:7]], [messages.TRACK, messages.OTHER])
        self.assertEqual(areas[7], {"type": "uri", "label": "โทร 1300", "uri": "tel:1300"})
        self.assertIn(areas[7], quick)
        for action in areas:
            self.assertLessEqual(len(action["label"].encode("utf-16-le")) // 2, 20)

    def test_its_name_carries_a_version_of_its_object_and_image(self):
        self.assertEqual(self.menu.name, MENU_NAME_PREFIX + self.menu.version)
        self.assertRegex(self.menu.version, r"^[0-9a-f]{16}$")
        self.assertLessEqual(len(self.menu.name), 300)
        self.assertLessEqual(len(self.menu.menu["chatBarText"]), 14)
        self.assertEqual(self.menu.menu["chatBarText"], CHAT_BAR_TEXT)

    def test_the_docs_copy_is_the_image_setup_uploads(self):
        self.assertEqual(
            rich_menu_pixels(DOCS_COPY.read_bytes()),
            rich_menu_pixels(self.menu.image),
            "the drawing changed: run `raksa line image docs/line-rich-menu.png` and look at it",
        )
