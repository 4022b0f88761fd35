"""What the web report tests share: pictures as bytes, reading the page as a person would, and the QR code."""

from __future__ import annotations

import html
import re

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n" + b"0" * 40


def token_of(page: str, form_id: str) -> str:
    form = page[page.index(f'id="{form_id}"') :]
    return re.search(r'name="token" value="([^"]+)"', form).group(1)


def field_block(page: str, name: str, form_id: str = "problem-form") -> str:
    """The markup of the field named `name` in the form `form_id`: from its field wrapper to the next one."""
    form = page[page.index(f'id="{form_id}"') :]
    form = form[: form.index("</form>")]
    blocks = re.split(r'(?=<div class="field)', form)
    for block in blocks:
        if f'name="{name}"' in block:
            return html.unescape(block)
    raise AssertionError(f"no field {name!r} on the page")


def text_of(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def qr_matrix(svg: str) -> list[list[bool]]:
    """The dark modules of a segno SVG path (M/m moves, h runs), as rows of booleans."""
    path = re.search(r'class="qrline"[^>]*\sd="([^"]+)"', svg).group(1)
    size = int(re.search(r'<path fill="[^"]+" d="M0 0h(\d+)v', svg).group(1))
    dark = [[False] * size for _ in range(size)]
    x = y = 0.0
    for command, a, b in re.findall(r"([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?", path):
        if command == "M":
            x, y = float(a), float(b)
        elif command == "m":
            x, y = x + float(a), y + float(b)
        else:
            run = int(float(a))
            for column in range(int(x), int(x) + run):
                dark[int(y)][column] = True
            x += run
    return dark


def qr_decode(svg: str) -> list[str]:
    import numpy as np
    import zxingcpp

    pixels = np.array([[0 if cell else 255 for cell in row] for row in qr_matrix(svg)], dtype=np.uint8)
    pixels = pixels.repeat(4, axis=0).repeat(4, axis=1)
    return [result.text for result in zxingcpp.read_barcodes(pixels)]
