from raksa.core.filetypes import sniff_content_type

SVG_WITH_SCRIPT = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'
HTML_PAGE = b"<!DOCTYPE html><html><body><script>fetch('/cases/').then(r => r.text())</script></body></html>"
# An iPhone photo's first box: ftyp, major brand heic, compatible mif1 and heic.
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 32
HEIF_GENERIC = b"\x00\x00\x00\x1cftypmif1\x00\x00\x00\x00mif1heicmiaf" + b"\x00" * 32
AVIF = b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf" + b"\x00" * 32


class SniffTests:
    def test_it_recognises_heic_photos(self):
        assert sniff_content_type(HEIC) == "image/heic"
        assert sniff_content_type(HEIF_GENERIC) == "image/heic"
        assert sniff_content_type(AVIF) is None

    def test_it_recognises_an_svg_with_a_script_whatever_it_starts_with(self):
        assert sniff_content_type(SVG_WITH_SCRIPT) == "image/svg+xml"
        assert sniff_content_type(b"notes\n<svg onload=alert(1)>") == "image/svg+xml"

    def test_it_recognises_html_pages_as_the_whatwg_sniffer_would(self):
        for page in (
            HTML_PAGE,
            b"  \n<HTML>",
            b"<p>hello",
            b"<!-- x -->",
            b"<a href='x'>link</a>",
            "บันทึก\n<iframe src=//evil>".encode(),
            b"call log\n<img src=x onerror=alert(1)>",
            b"\xef\xbb\xbf<script>alert(1)</script>",
        ):
            assert sniff_content_type(page) == "text/html", page
        assert sniff_content_type(b'<?xml version="1.0"?><note/>') == "application/xml"

    def test_it_keeps_plain_text_that_mentions_angle_brackets(self):
        for text in (
            "ส่งอีเมลถึง <somchai@example.com> แล้ว",
            "อายุ <18 ปี และ a<b",
            "I <3 you\n\tตารางเวลา\r\n\f",
        ):
            assert sniff_content_type(text.encode()) == "text/plain", text

    def test_it_refuses_text_that_is_not_utf_8_or_holds_control_characters(self):
        assert sniff_content_type("ข้อความ".encode("tis-620")) is None
        assert sniff_content_type("ข้อความ".encode("utf-16")) is None
        assert sniff_content_type(b"text\x00more") is None
        assert sniff_content_type(b"\x1b[31mred\x1b[0m") is None

    def test_it_tells_mp3_frames_from_random_bytes_that_start_alike(self):
        assert sniff_content_type(b"\xff\xfb\x90\x64" + b"\x00" * 16) == "audio/mpeg"
        assert sniff_content_type(b"\xff\xff\xff\xff" + b"\x00" * 16) is None
