"""`raksa line setup` against the LINE stand-in: the rich menu created, its image uploaded, set as the default;
idempotent; older Raksa menus replaced and other menus left alone; errors said in Thai and English."""

from __future__ import annotations

import io
import subprocess
import sys

from django.core.management import CommandError, call_command
from django.test import SimpleTestCase, override_settings

from raksa.intake.line.richmenu import (
    MENU_NAME_PREFIX,
    RichMenuSetupError,
    line_rich_menu_setup,
    rich_menu,
)
from raksa.notify.standins import LineStandIn, Request
from tests.notify.support import foreground


def other_menu(name: str) -> dict[str, object]:
    """A menu made another way (the LINE console, a campaign tool)."""
    return {
        "size": {"width": 2500, "height": 843},
        "selected": False,
        "name": name,
        "chatBarText": "โปรโมชัน",
        "areas": [
            {
                "bounds": {"x": 0, "y": 0, "width": 2500, "height": 843},
                "action": {"type": "uri", "uri": "https://example.org/"},
            }
        ],
    }


class LineSetupTests(SimpleTestCase):
    def setUp(self) -> None:
        self.line = LineStandIn().start()
        self.addCleanup(self.line.stop)
        overrides = override_settings(
            LINE_API_BASE=self.line.base_url,
            LINE_API_DATA_BASE=self.line.base_url,
            LINE_CHANNEL_ACCESS_TOKEN=self.line.token,
        )
        overrides.enable()
        self.addCleanup(overrides.disable)
        self.menu = rich_menu()

    def setup_command(self) -> str:
        out = io.StringIO()
        call_command("line", "setup", stdout=out)
        return out.getvalue()

    def test_it_creates_the_menu_uploads_its_image_and_sets_it_as_the_default(self):
        out = self.setup_command()
        [(rich_menu_id, stored)] = self.line.rich_menus.items()
        self.assertEqual(stored, {"richMenuId": rich_menu_id, **self.menu.menu})
        self.assertEqual(self.line.rich_menu_images[rich_menu_id], ("image/png", self.menu.image))
        self.assertEqual(self.line.rich_menu_default, rich_menu_id)
        self.assertEqual(
            self.line.rich_menu_calls,
            [
                "GET /v2/bot/richmenu/list 200",
                "GET /v2/bot/user/all/richmenu 404",
                "POST /v2/bot/richmenu 200",
                f"POST /v2/bot/richmenu/{rich_menu_id}/content 200",
                f"POST /v2/bot/user/all/richmenu/{rich_menu_id} 200",
            ],
        )
        self.assertIn(rich_menu_id, out)
        self.assertIn("ตั้งเมนูหลักแล้ว", out)

    def test_running_it_twice_leaves_one_raksa_menu_as_the_default(self):
        first = line_rich_menu_setup()
        calls = len(self.line.rich_menu_calls)
        second = line_rich_menu_setup()
        self.assertTrue(first.created)
        self.assertFalse(second.created)
        self.assertEqual(second.rich_menu_id, first.rich_menu_id)
        self.assertEqual(second.deleted, ())
        self.assertEqual(list(self.line.rich_menus), [first.rich_menu_id])
        self.assertEqual(self.line.rich_menu_default, first.rich_menu_id)
        # The second run only looked.
        self.assertEqual(
            self.line.rich_menu_calls[calls:],
            ["GET /v2/bot/richmenu/list 200", "GET /v2/bot/user/all/richmenu 200"],
        )
        self.assertIn("nothing to do", self.setup_command())

    def test_an_older_raksa_menu_is_replaced_and_another_menu_left_alone(self):
        stale = self.line.rich_menu_add(
            {**other_menu(MENU_NAME_PREFIX + "0123456789abcdef"), "selected": True},
            image=b"old",
            default=True,
        )
        foreign = self.line.rich_menu_add(other_menu("Songkran campaign"), image=b"campaign")
        done = line_rich_menu_setup()
        self.assertTrue(done.created)
        self.assertEqual(done.deleted, (stale,))
        self.assertEqual(done.previous_default, stale)
        self.assertEqual(set(self.line.rich_menus), {foreign, done.rich_menu_id})
        self.assertEqual(
            self.line.rich_menus[foreign], {"richMenuId": foreign, **other_menu("Songkran campaign")}
        )
        self.assertEqual(self.line.rich_menu_images[foreign], ("image/png", b"campaign"))
        self.assertEqual(self.line.rich_menu_default, done.rich_menu_id)

    def test_another_default_menu_gives_way_but_is_kept(self):
        foreign = self.line.rich_menu_add(other_menu("made in the console"), image=b"console", default=True)
        done = line_rich_menu_setup()
        self.assertEqual(done.previous_default, foreign)
        self.assertEqual(done.deleted, ())
        self.assertEqual(self.line.rich_menu_default, done.rich_menu_id)
        self.assertIn(foreign, self.line.rich_menus)

    def test_a_menu_of_this_version_left_half_made_is_replaced(self):
        # A run that died after creating the menu: it has no image and is not the default.
        half = self.line.rich_menu_add(self.menu.menu)
        done = line_rich_menu_setup()
        self.assertNotEqual(done.rich_menu_id, half)
        self.assertEqual(done.deleted, (half,))
        self.assertEqual(list(self.line.rich_menus), [done.rich_menu_id])
        self.assertEqual(self.line.rich_menu_default, done.rich_menu_id)

    def test_a_missing_token_is_refused_before_asking_line(self):
        with override_settings(LINE_CHANNEL_ACCESS_TOKEN=""), self.assertRaises(CommandError) as caught:
            self.setup_command()
        self.assertIn("ยังไม่ได้ตั้ง LINE_CHANNEL_ACCESS_TOKEN", str(caught.exception))
        self.assertIn("LINE_CHANNEL_ACCESS_TOKEN is not set", str(caught.exception))
        self.assertEqual(self.line.rich_menu_calls, [])

    def test_a_wrong_token_says_so(self):
        with (
            override_settings(LINE_CHANNEL_ACCESS_TOKEN="not-the-token"),
            self.assertRaises(CommandError) as caught,
        ):
            self.setup_command()
        message = str(caught.exception)
        self.assertIn("HTTP 401", message)
        self.assertIn("ตรวจ LINE_CHANNEL_ACCESS_TOKEN", message)
        self.assertIn("check LINE_CHANNEL_ACCESS_TOKEN", message)

    def test_line_refusing_the_menu_is_told_with_its_answer_and_nothing_is_left(self):
        self.line.fail_next(1, status=500)  # the first POST: creating the menu
        with self.assertRaises(RichMenuSetupError) as caught:
            line_rich_menu_setup()
        self.assertIn("LINE ไม่รับคำขอสร้างเมนู", str(caught.exception))
        self.assertIn(
            "refused to create the rich menu: HTTP 500 An error occurred in the internal server",
            str(caught.exception),
        )
        self.assertEqual(self.line.rich_menus, {})
        self.assertIsNone(self.line.rich_menu_default)

    def test_an_image_upload_that_fails_deletes_the_menu_it_made(self):
        def fail_the_upload(request: Request) -> None:
            if request.path.endswith("/content"):
                self.line.fail_next(1, status=503)

        self.line.before_answer = fail_the_upload
        with self.assertRaises(RichMenuSetupError) as caught:
            line_rich_menu_setup()
        self.assertIn("upload the rich menu's image: HTTP 503", str(caught.exception))
        self.assertEqual(self.line.rich_menus, {})
        self.assertEqual(self.line.rich_menu_calls[-1].split()[0], "DELETE")
        self.line.before_answer = None
        self.assertTrue(line_rich_menu_setup().created)  # and the next run does it

    def test_an_unreachable_line_is_told_with_its_address(self):
        with (
            override_settings(LINE_API_BASE="http://127.0.0.1:9"),
            self.assertRaises(RichMenuSetupError) as caught,
        ):
            line_rich_menu_setup()
        self.assertIn("ติดต่อ LINE ที่ http://127.0.0.1:9 ไม่ได้", str(caught.exception))
        self.assertIn("cannot reach LINE at http://127.0.0.1:9", str(caught.exception))


class LineCommandTests(SimpleTestCase):
    def test_stand_in_runs_alone_and_setup_against_it_exits_zero_then_non_zero_without_a_token(self):
        with foreground("line", "stand-in", "--port", "0") as running:
            printed = running.printed
            self.assertEqual(printed["LINE_API_BASE"], printed["LINE_API_DATA_BASE"])
            run_env = {
                **running.env,
                **{
                    k: printed[k]
                    for k in ("LINE_API_BASE", "LINE_API_DATA_BASE", "LINE_CHANNEL_ACCESS_TOKEN")
                },
            }
            done = subprocess.run(
                [sys.executable, "-m", "raksa.cli", "line", "setup"],
                capture_output=True,
                text=True,
                env=run_env,
            )
            self.assertEqual(done.returncode, 0, done.stderr)
            self.assertIn("created and set as the default", done.stdout)
            refused = subprocess.run(
                [sys.executable, "-m", "raksa.cli", "line", "setup"],
                capture_output=True,
                text=True,
                env={**run_env, "LINE_CHANNEL_ACCESS_TOKEN": ""},
            )
            self.assertNotEqual(refused.returncode, 0)
            self.assertIn("LINE_CHANNEL_ACCESS_TOKEN is not set", refused.stderr)
        process = running.process
        self.assertEqual(process.returncode, 0, process.stderr.read() if process.stderr else "")
