"""`raksa line setup|stand-in|image`: the LINE Official Account's rich menu, and the local LINE stand-in.

- `setup` puts Raksa's rich menu on the channel (LINE_CHANNEL_ACCESS_TOKEN, LINE_API_BASE, LINE_API_DATA_BASE)
  and makes it the default; run again, it changes nothing.
- `stand-in` runs the local LINE Messaging API stand-in alone in the foreground, until Ctrl-C.
- `image PATH` writes the rich menu's picture (PNG) to look at.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from raksa.intake.line.richmenu import RichMenuSetupError, line_rich_menu_setup, rich_menu, rich_menu_image
from raksa.notify.standins import LINE_TOKEN, LineStandIn, run_in_foreground


class Command(BaseCommand):
    help = (
        "LINE: `setup` creates Raksa's rich menu on the channel and sets it as the default (idempotent); "
        "`stand-in` runs the local LINE platform stand-in in the foreground; `image PATH` writes the menu's "
        "picture. ตั้งค่าเมนู LINE และตัวแทน LINE ในเครื่อง"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{setup,stand-in,image}")
        actions.add_parser("setup", help="create the rich menu and set it as the default (idempotent)")
        stand_in = actions.add_parser("stand-in", help="run the LINE platform stand-in until Ctrl-C")
        stand_in.add_argument("--host", default="127.0.0.1")
        stand_in.add_argument("--port", type=int, default=8081, help="0 picks a free port")
        stand_in.add_argument("--token", default=LINE_TOKEN, help="the channel access token it accepts")
        image = actions.add_parser("image", help="write the rich menu's picture (PNG)")
        image.add_argument("path", help="where to write it, e.g. docs/line-rich-menu.png")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "setup":
            self._setup()
        elif action == "stand-in":
            self._stand_in(host=options["host"], port=options["port"], token=options["token"])
        else:
            try:
                data = rich_menu_image()
            except RuntimeError as exc:
                raise CommandError(str(exc)) from None
            path = Path(options["path"])
            try:
                path.write_bytes(data)
            except OSError as exc:
                raise CommandError(f"เขียนไฟล์ไม่ได้ / cannot write {path}: {exc}") from None
            self.stdout.write(f"{path}: {len(data)} bytes, version {rich_menu().version}")

    def _setup(self) -> None:
        try:
            done = line_rich_menu_setup()
        except RichMenuSetupError as exc:
            raise CommandError(str(exc)) from None
        if done.created:
            self.stdout.write(
                f"ตั้งเมนูหลักแล้ว / rich menu {done.rich_menu_id} (version {done.version}) created and set as "
                "the default"
            )
        else:
            self.stdout.write(
                f"เมนูเป็นปัจจุบันแล้ว / rich menu {done.rich_menu_id} (version {done.version}) is already the "
                "default: nothing to do"
            )
        if done.previous_default is not None:
            self.stdout.write(f"  the default before was {done.previous_default}")
        for rich_menu_id in done.deleted:
            self.stdout.write(f"  deleted the old Raksa menu {rich_menu_id}")

    def _stand_in(self, *, host: str, port: int, token: str) -> None:
        try:
            line = LineStandIn(host=host, port=port, token=token)
        except OSError as exc:
            raise CommandError(f"เปิดพอร์ตไม่ได้ / cannot listen: {exc}") from None
        run_in_foreground(
            [line],
            self._say,
            [
                f"LINE platform stand-in: {line.base_url}",
                f"  LINE_API_BASE={line.base_url} LINE_API_DATA_BASE={line.base_url} "
                f"LINE_CHANNEL_ACCESS_TOKEN={line.token}",
                f"  what it received: {line.base_url}/_received",
                f"  its rich menus: {line.base_url}/v2/bot/richmenu/list (with the token)",
                "Ctrl-C stops it.",
            ],
        )

    def _say(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()
