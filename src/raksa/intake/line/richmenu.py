"""The rich menu: the six panels always open under the chat, their image (drawn here) and their actions.

The menu carries the same actions as the welcome's quick replies (messages.py): the five emergencies as postbacks
`emergency=<type>`, and a sixth panel split in three: track my case (`action=track`), another problem
(`action=other`) and call 1300 (`tel:1300`). A person in danger opens the chat and taps once, without typing.

The image is LINE's large size, 2500x1686, PNG. Thai is set with Pillow's Raqm layout (HarfBuzz shaping, which
places Thai vowels and tone marks above and below their consonants correctly) in Sarabun Bold (SIL Open Font
License 1.1, from the `fontpkg-sarabun` package). Raqm needs FriBiDi from the system (Debian's `libfribidi0`);
without it the drawing refuses to go on rather than draw misplaced marks.

`rich_menu()` gives the menu object, its PNG and a version: a digest of both. `line_rich_menu_setup` (`raksa line
setup`) names the menu after its version, so a changed drawing or action makes a new menu, and the same one again
is found and kept.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from raksa.intake.line.messages import EMERGENCY_LABELS, HOTLINE, OTHER, TRACK, emergency_data

__all__ = [
    "MENU_NAME_PREFIX",
    "RichMenu",
    "RichMenuSetup",
    "RichMenuSetupError",
    "line_rich_menu_setup",
    "rich_menu",
    "rich_menu_image",
    "rich_menu_pixels",
]

WIDTH, HEIGHT = 2500, 1686
# Every Raksa menu's name starts so; the rest is its version. Other menus of the channel are never touched.
MENU_NAME_PREFIX = "Raksa ESS Help Me "
CHAT_BAR_TEXT = "เมนูแจ้งเหตุ"  # at most 14 characters
IMAGE_MAX_BYTES = 1024 * 1024  # LINE's limit for a rich menu image

# Colours: white on deep red for the emergencies (WCAG contrast 6.6:1; the English line 5.7:1, the darker band
# above 10:1), white on dark blue, slate and green for the rest (7.9:1 and more): readable in sunlight and for
# weak eyes.
_EMERGENCY = (183, 28, 28)
_EMERGENCY_TOP = (127, 16, 16)
_TRACK = (13, 71, 161)
_OTHER = (55, 71, 79)
_CALL = (27, 94, 32)
_GUTTER_COLOUR = (255, 255, 255)
_WHITE = (255, 255, 255)
_SOFT = (255, 235, 235)
_EMERGENCY_SIZE = 156  # every emergency's Thai name in one size; the long one on two lines
_GUTTER = 10  # half the white line between panels, in pixels

# The second line under each emergency's Thai name.
_EMERGENCY_ENGLISH = {kind: english for kind, (_thai, english) in EMERGENCY_LABELS.items()}


@dataclass(frozen=True)
class Panel:
    """One tappable area: its bounds, what a tap does, and what it says."""

    x: int
    y: int
    width: int
    height: int
    action: dict[str, Any]
    thai: str
    english: str
    colour: tuple[int, int, int]
    emergency: bool

    def area(self) -> dict[str, Any]:
        return {
            "bounds": {"x": self.x, "y": self.y, "width": self.width, "height": self.height},
            "action": self.action,
        }


@dataclass(frozen=True)
class RichMenu:
    menu: dict[str, Any]  # the rich menu object as `POST /v2/bot/richmenu` takes it
    image: bytes  # PNG
    version: str

    @property
    def name(self) -> str:
        return str(self.menu["name"])


def _postback(label: str, data: str) -> dict[str, Any]:
    # displayText: what her chat shows she tapped, as the quick replies do.
    return {"type": "postback", "label": label, "data": data, "displayText": label}


def panels() -> list[Panel]:
    """The six panels: three emergencies above, two below and the split panel at the bottom right."""
    columns = [(0, 834), (834, 833), (1667, 833)]
    rows = [(0, 843), (843, 843)]
    panels = []
    for index, (kind, (thai, english)) in enumerate(EMERGENCY_LABELS.items()):
        (x, width), (y, height) = columns[index % 3], rows[index // 3]
        panels.append(
            Panel(x, y, width, height, _postback(thai, emergency_data(kind)), thai, english, _EMERGENCY, True)
        )
    x, width = columns[2]
    y, height = rows[1]
    strip = height // 3
    heights = [strip, strip, height - 2 * strip]
    rest = [
        (_postback("ติดตามเรื่อง", TRACK), "ติดตามเรื่อง", "Track my case", _TRACK),
        (_postback("ปัญหาอื่น", OTHER), "ปัญหาอื่น", "Another problem", _OTHER),
        (
            {"type": "uri", "label": f"โทร {HOTLINE}", "uri": f"tel:{HOTLINE}"},
            f"โทร {HOTLINE}",
            f"Call {HOTLINE}",
            _CALL,
        ),
    ]
    top = y
    for (action, thai, english, colour), strip_height in zip(rest, heights, strict=True):
        panels.append(Panel(x, top, width, strip_height, action, thai, english, colour, False))
        top += strip_height
    return panels


def _font_path() -> Path:
    import fontpkg_sarabun

    return Path(fontpkg_sarabun.ROOT) / "files" / "Sarabun-Bold.ttf"


def _check_shaping() -> None:
    from PIL import features

    if not features.check("raqm"):
        raise RuntimeError(
            "วาดเมนูไม่ได้: Pillow ไม่มี Raqm (ต้องมี libfribidi0) สระและวรรณยุกต์ไทยจะวางผิดที่ / "
            "cannot draw the rich menu: Pillow has no Raqm layout (install libfribidi0: apt-get install "
            "libfribidi0), so Thai vowels and tone marks would be misplaced"
        )


@lru_cache(maxsize=32)
def _font(size: int) -> Any:
    from PIL import ImageFont

    return ImageFont.truetype(str(_font_path()), size, layout_engine=ImageFont.Layout.RAQM)


def _fit(text: str, *, largest: int, width: int, language: str) -> Any:
    """The largest font (in steps of 4 px) that sets `text` within `width`."""
    size = largest
    while size > 24:
        font = _font(size)
        if font.getlength(text, language=language) <= width:
            return font
        size -= 4
    return _font(size)


def _lines(text: str, *, largest: int, smallest: int, width: int) -> tuple[list[str], Any]:
    """Thai text on one line if it fits at `smallest` or more, else broken between words (PyThaiNLP) in two."""
    font = _fit(text, largest=largest, width=width, language="th")
    if font.size >= smallest:
        return [text], font
    from pythainlp.tokenize import word_tokenize

    words = word_tokenize(text, engine="newmm")
    best: tuple[int, list[str]] | None = None
    for cut in range(1, len(words)):
        first, second = "".join(words[:cut]), "".join(words[cut:])
        longest = max(_font(largest).getlength(part, language="th") for part in (first, second))
        if best is None or longest < best[0]:
            best = (int(longest), [first, second])
    if best is None:
        return [text], font
    lines = best[1]
    size = largest
    while size > 24 and max(_font(size).getlength(line, language="th") for line in lines) > width:
        size -= 4
    return lines, _font(size)


# Above and below the baseline, in ems, what a line takes: Thai room for the marks stacked over a consonant
# (Sarabun's ascent) and under it; Latin the cap height and the descenders.
_THAI_BOX, _LATIN_BOX = (1.2, 0.38), (0.76, 0.24)


def _draw_lines(
    draw: Any, lines: list[tuple[str, Any, tuple[int, int, int], str]], *, centre: int, top: int, bottom: int
) -> None:
    """Lines (text, font, colour, language) centred as a block between top and bottom, each centred on `centre`."""
    boxes = []
    for _text, font, _colour, language in lines:
        above, below = _THAI_BOX if language == "th" else _LATIN_BOX
        boxes.append((above * font.size, below * font.size))
    # Between two lines of one language nearly nothing (the boxes leave room for the marks); more before the
    # English line.
    gaps = [0.0] + [
        (0.3 if lines[i][3] != lines[i - 1][3] else -0.08) * lines[i][1].size for i in range(1, len(lines))
    ]
    total = sum(a + b for a, b in boxes) + sum(gaps)
    y = top + (bottom - top - total) / 2
    for (text, font, colour, language), (above, below), gap in zip(lines, boxes, gaps, strict=True):
        baseline = y + gap + above
        draw.text((centre, round(baseline)), text, font=font, fill=colour, anchor="ms", language=language)
        y = baseline + below


def _draw_panel(draw: Any, panel: Panel) -> None:
    left, top = panel.x + _GUTTER, panel.y + _GUTTER
    right, bottom = panel.x + panel.width - _GUTTER, panel.y + panel.height - _GUTTER
    # The outer edges of the image get no gutter: the menu meets the chat's edges.
    left = panel.x if panel.x == 0 else left
    top = panel.y if panel.y == 0 else top
    right = right if panel.x + panel.width < WIDTH else WIDTH
    bottom = bottom if panel.y + panel.height < HEIGHT else HEIGHT
    draw.rectangle((left, top, right - 1, bottom - 1), fill=panel.colour)
    centre = (left + right) // 2
    inner = right - left - 90
    if panel.emergency:
        band = 120
        draw.rectangle((left, top, right - 1, top + band), fill=_EMERGENCY_TOP)
        _draw_lines(
            draw,
            [("เหตุฉุกเฉิน · Emergency", _font(62), _WHITE, "th")],
            centre=centre,
            top=top,
            bottom=top + band,
        )
        lines, font = _lines(panel.thai, largest=_EMERGENCY_SIZE, smallest=_EMERGENCY_SIZE, width=inner)
        english = _fit(panel.english, largest=78, width=inner, language="en")
        _draw_lines(
            draw,
            [(line, font, _WHITE, "th") for line in lines] + [(panel.english, english, _SOFT, "en")],
            centre=centre,
            top=top + band,
            bottom=bottom,
        )
    else:
        thai = _fit(panel.thai, largest=100, width=inner, language="th")
        english = _fit(panel.english, largest=56, width=inner, language="en")
        _draw_lines(
            draw,
            [(panel.thai, thai, _WHITE, "th"), (panel.english, english, _SOFT, "en")],
            centre=centre,
            top=top,
            bottom=bottom,
        )


def rich_menu_image() -> bytes:
    """The menu's picture, PNG, WIDTH x HEIGHT."""
    from PIL import Image, ImageDraw

    _check_shaping()
    image = Image.new("RGB", (WIDTH, HEIGHT), _GUTTER_COLOUR)
    draw = ImageDraw.Draw(image)
    for panel in panels():
        _draw_panel(draw, panel)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def rich_menu_pixels(png: bytes) -> bytes:
    """A picture's RGB pixels, to compare two drawings whatever their compression."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        return bytes(image.convert("RGB").tobytes())


@lru_cache(maxsize=1)
def rich_menu() -> RichMenu:
    """The menu object, its image and its version (a digest of both)."""
    image = rich_menu_image()
    body: dict[str, Any] = {
        "size": {"width": WIDTH, "height": HEIGHT},
        "selected": True,  # open when the chat opens: the emergencies are in sight at once
        "chatBarText": CHAT_BAR_TEXT,
        "areas": [panel.area() for panel in panels()],
    }
    digest = hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode("utf-8"))
    digest.update(rich_menu_pixels(image))  # what it shows, not how the PNG happens to be compressed
    version = digest.hexdigest()[:16]
    return RichMenu(menu={**body, "name": MENU_NAME_PREFIX + version}, image=image, version=version)


# -- putting it on the channel: `raksa line setup`


class RichMenuSetupError(Exception):
    """The menu could not be put on the channel; the message says why, in Thai and English."""


@dataclass(frozen=True)
class RichMenuSetup:
    rich_menu_id: str
    version: str
    created: bool  # False: the same menu was already the default, nothing was made
    deleted: tuple[str, ...]  # older Raksa menus removed
    previous_default: str | None  # the default before, when it was another menu


def _configuration(host: str, token: str) -> Any:
    from linebot.v3.messaging import Configuration

    configuration = Configuration(host=host, access_token=token)
    configuration.retries = False  # one clear answer; the person running the command runs it again
    return configuration


def _line_answer(exc: Any) -> str:
    """LINE's error body as one line: its message and each detail's property and message."""
    body = exc.body if isinstance(exc.body, str | bytes) else ""
    try:
        answer = json.loads(body) if body else {}
    except ValueError:
        answer = {}
    if not isinstance(answer, dict) or not answer.get("message"):
        return f"HTTP {exc.status}"
    details = "; ".join(
        f"{detail.get('property', '')}: {detail.get('message', '')}"
        for detail in answer.get("details") or []
        if isinstance(detail, dict)
    )
    return f"HTTP {exc.status} {answer['message']}" + (f" ({details})" if details else "")


def _call(what_th: str, what_en: str, host: str, call: Any) -> Any:
    """Run one API call; LINE's refusal or an unreachable host becomes a RichMenuSetupError."""
    import urllib3
    from linebot.v3.messaging import ApiException

    try:
        return call()
    except ApiException as exc:
        hint_th = hint_en = ""
        if exc.status == 401:
            hint_th, hint_en = " (ตรวจ LINE_CHANNEL_ACCESS_TOKEN)", " (check LINE_CHANNEL_ACCESS_TOKEN)"
        raise RichMenuSetupError(
            f"LINE ไม่รับคำขอ{what_th}{hint_th} / LINE refused to {what_en}{hint_en}: {_line_answer(exc)}"
        ) from None
    except urllib3.exceptions.HTTPError as exc:
        raise RichMenuSetupError(
            f"ติดต่อ LINE ที่ {host} ไม่ได้ ({what_th}) / cannot reach LINE at {host} to {what_en}: "
            f"{type(exc).__name__}"
        ) from None


def line_rich_menu_setup(
    *,
    token: str | None = None,
    api_base: str | None = None,
    data_base: str | None = None,
    timeout: float = 15,
) -> RichMenuSetup:
    """Make Raksa's rich menu the channel's default, once.

    The menu is found by its name (MENU_NAME_PREFIX and the version of its object and image): when that menu is
    already the default, nothing is made. Otherwise a new one is created, its image uploaded (to the content
    host, LINE_API_DATA_BASE) and set as the default; a new menu that fails half-way is deleted again. Then every
    other Raksa menu (older versions, or one left without its image) is deleted; menus of other names are never
    touched. Settings are read when it runs: LINE_CHANNEL_ACCESS_TOKEN, LINE_API_BASE, LINE_API_DATA_BASE.
    """
    from django.conf import settings
    from linebot.v3.messaging import ApiClient, ApiException, MessagingApi, MessagingApiBlob, RichMenuRequest

    token = settings.LINE_CHANNEL_ACCESS_TOKEN if token is None else token
    api_base = (settings.LINE_API_BASE if api_base is None else api_base).rstrip("/")
    data_base = (settings.LINE_API_DATA_BASE if data_base is None else data_base).rstrip("/")
    if not token:
        raise RichMenuSetupError(
            "ยังไม่ได้ตั้ง LINE_CHANNEL_ACCESS_TOKEN (channel access token จาก LINE Developers console) / "
            "LINE_CHANNEL_ACCESS_TOKEN is not set (the channel access token from the LINE Developers console)"
        )
    try:
        menu = rich_menu()
    except RuntimeError as exc:
        raise RichMenuSetupError(str(exc)) from None
    with (
        ApiClient(_configuration(api_base, token)) as api_client,
        ApiClient(_configuration(data_base, token)) as blob_client,
    ):
        api, blob = MessagingApi(api_client), MessagingApiBlob(blob_client)
        listed = _call(
            "ดูรายการเมนู",
            "list the rich menus",
            api_base,
            lambda: api.get_rich_menu_list(_request_timeout=timeout),
        )
        ours = [one for one in listed.richmenus if one.name.startswith(MENU_NAME_PREFIX)]

        def default_get() -> str | None:
            try:
                return str(api.get_default_rich_menu_id(_request_timeout=timeout).rich_menu_id)
            except ApiException as exc:
                if exc.status == 404:  # no default menu
                    return None
                raise

        default = _call("ดูเมนูหลัก", "read the default rich menu", api_base, default_get)
        current = next(
            (one.rich_menu_id for one in ours if one.name == menu.name and one.rich_menu_id == default), None
        )
        created = current is None
        if current is None:
            request = RichMenuRequest.from_dict(menu.menu)
            made = _call(
                "สร้างเมนู",
                "create the rich menu",
                api_base,
                lambda: api.create_rich_menu(request, _request_timeout=timeout),
            )
            new_id = str(made.rich_menu_id)
            try:
                _call(
                    "อัปโหลดรูปเมนู",
                    "upload the rich menu's image",
                    data_base,
                    lambda: blob.set_rich_menu_image(
                        new_id, menu.image, _headers={"Content-Type": "image/png"}, _request_timeout=timeout
                    ),
                )
                _call(
                    "ตั้งเมนูหลัก",
                    "set the default rich menu",
                    api_base,
                    lambda: api.set_default_rich_menu(new_id, _request_timeout=timeout),
                )
            except RichMenuSetupError:
                # Leave no half-made menu behind (the next run would delete it anyway); the first error is the
                # one to tell.
                with contextlib.suppress(Exception):
                    api.delete_rich_menu(new_id, _request_timeout=timeout)
                raise
            current = new_id
        stale = tuple(str(one.rich_menu_id) for one in ours if one.rich_menu_id != current)
        for rich_menu_id in stale:

            def delete(rich_menu_id: str = rich_menu_id) -> None:
                try:
                    api.delete_rich_menu(rich_menu_id, _request_timeout=timeout)
                except ApiException as exc:
                    if exc.status != 404:  # already gone is as good
                        raise

            _call("ลบเมนูเก่า", f"delete the old rich menu {rich_menu_id}", api_base, delete)
    return RichMenuSetup(
        rich_menu_id=current,
        version=menu.version,
        created=created,
        deleted=stale,
        previous_default=default if default != current else None,
    )
