"""What a file is, told from its own bytes: never from its name or the content type its sender claims.

A case file holds photos (JPEG, PNG, WebP, and HEIC, which iPhones take), PDF (what every office suite exports, so
office documents come as PDF: a .docx cannot be told from a macro-laden one without unpacking it), recordings
(MP3, M4A) and plain text. Plain text must really be text: UTF-8, no NUL or other control characters but tab,
newline, carriage return and form feed, and no markup a browser would run. A page or an SVG image is recognised
as what it is (HTML, SVG, XML) so that it can be refused by name: named .png or .txt, it is still a page with a
script.

No Django here: the coming channels (LINE images, the public web form) sniff with the same function.
"""

from __future__ import annotations

import re

# Types a file may be recognised as but never stored: a browser runs their scripts.
MARKUP_TYPES = frozenset({"text/html", "image/svg+xml", "application/xml"})

_HEIF_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx"})
_HEIF_GENERIC = frozenset({b"mif1", b"msf1"})
_MP4_AUDIO_BRANDS = frozenset({b"M4A ", b"M4B ", b"mp42", b"isom"})
# Control characters plain text never holds (tab, newline, form feed and carriage return it may).
_TEXT_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")

# What the WHATWG MIME sniffing standard takes for HTML when it opens a document, after leading whitespace.
_HTML_START = re.compile(
    r"\A\s*<(?:!doctype\s+html|html|head|script|iframe|h1|div|font|table|a|style|title|b|body|br|p|!--)"
    r"(?=[\s>/]|\Z)",
    re.IGNORECASE,
)
_XML_START = re.compile(r"\A\s*<\?xml", re.IGNORECASE)
# Elements that run script or fetch content wherever they stand in a document, and links with a target.
_ACTIVE_TAG = re.compile(
    r"<\s*(?:script|iframe|frame|frameset|object|embed|applet|svg|math|img|image|video|audio|source|style"
    r"|link|meta|base|form|input|button|html|head|body|foreignobject|xml|!doctype)(?=[\s>/]|\Z)"
    r"|<\s*a\s[^>]*\bhref\s*=",
    re.IGNORECASE,
)
_SVG_TAG = re.compile(r"<\s*svg(?=[\s>/]|\Z)", re.IGNORECASE)


def _iso_media_brands(data: bytes) -> tuple[bytes, set[bytes]]:
    """The major and compatible brands of an ISO media file's leading `ftyp` box (MP4, M4A, HEIC)."""
    if data[4:8] != b"ftyp":
        return b"", set()
    size = int.from_bytes(data[:4], "big")
    end = min(size, len(data), 4096) if size >= 16 else 16
    compatible = {data[i : i + 4] for i in range(16, end - 3, 4)}
    return data[8:12], compatible


def _is_mp3(data: bytes) -> bool:
    if data.startswith(b"ID3") and len(data) >= 5:
        return data[3] in (2, 3, 4) and data[4] != 0xFF
    if len(data) < 4 or data[0] != 0xFF or data[1] & 0xE0 != 0xE0:
        return False
    version, layer = (data[1] >> 3) & 0b11, (data[1] >> 1) & 0b11
    bitrate, sample_rate = data[2] >> 4, (data[2] >> 2) & 0b11
    # The reserved values of an MPEG audio frame header (and the "free" bitrate no encoder writes): bytes that
    # only happen to start 0xFF, a UTF-16 text's byte order mark among them, rarely avoid all of them.
    return version != 0b01 and layer != 0b00 and bitrate not in (0, 0b1111) and sample_rate != 0b11


def _text_type(data: bytes) -> str | None:
    """ "text/plain" for real text, the markup type for a page or image in text clothing, None for neither."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    if _TEXT_CONTROLS.search(text):
        return None
    if _SVG_TAG.search(text):
        return "image/svg+xml"
    if _XML_START.match(text):
        return "application/xml"
    if _HTML_START.match(text) or _ACTIVE_TAG.search(text):
        return "text/html"
    return "text/plain"


def sniff_content_type(data: bytes) -> str | None:
    """The content type the bytes show: one of the kinds a case file may hold, one of MARKUP_TYPES, or None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    major, compatible = _iso_media_brands(data)
    if major in _HEIF_BRANDS or (major in _HEIF_GENERIC and compatible & _HEIF_BRANDS):
        return "image/heic"
    if major in _MP4_AUDIO_BRANDS:
        return "audio/mp4"
    if _is_mp3(data):
        return "audio/mpeg"
    return _text_type(data)
