"""Tracking codes read aloud over the phone: each character of the Crockford alphabet (raksa.core.ids) with the
Thai word a call-taker says for it.

Digits are said as Thai numbers. Letters are said as their usual Thai name followed by the radio word (the
international radio alphabet, as Thai radio operators say it), because several letter names sound alike on a
bad line (บี ดี ที พี วี, เอ็ม เอ็น, เอฟ เอส): "อาร์ โรมิโอ" cannot be misheard. The alphabet has no I, L, O or U,
so neither has this table.
"""

from __future__ import annotations

from dataclasses import dataclass

from raksa.core.ids import ALPHABET

# character: (Thai name, Thai radio word, English radio word)
SPOKEN: dict[str, tuple[str, str, str]] = {
    "0": ("ศูนย์", "", "zero"),
    "1": ("หนึ่ง", "", "one"),
    "2": ("สอง", "", "two"),
    "3": ("สาม", "", "three"),
    "4": ("สี่", "", "four"),
    "5": ("ห้า", "", "five"),
    "6": ("หก", "", "six"),
    "7": ("เจ็ด", "", "seven"),
    "8": ("แปด", "", "eight"),
    "9": ("เก้า", "", "nine"),
    "A": ("เอ", "อัลฟา", "Alfa"),
    "B": ("บี", "บราโว", "Bravo"),
    "C": ("ซี", "ชาร์ลี", "Charlie"),
    "D": ("ดี", "เดลตา", "Delta"),
    "E": ("อี", "เอคโค", "Echo"),
    "F": ("เอฟ", "ฟอกซ์ทรอต", "Foxtrot"),
    "G": ("จี", "กอล์ฟ", "Golf"),
    "H": ("เอช", "โฮเทล", "Hotel"),
    "J": ("เจ", "จูเลียต", "Juliett"),
    "K": ("เค", "กิโล", "Kilo"),
    "M": ("เอ็ม", "ไมค์", "Mike"),
    "N": ("เอ็น", "โนเวมเบอร์", "November"),
    "P": ("พี", "ปาปา", "Papa"),
    "Q": ("คิว", "ควิเบก", "Quebec"),
    "R": ("อาร์", "โรมิโอ", "Romeo"),
    "S": ("เอส", "เซียร์รา", "Sierra"),
    "T": ("ที", "แทงโก", "Tango"),
    "V": ("วี", "วิกเตอร์", "Victor"),
    "W": ("ดับเบิลยู", "วิสกี้", "Whiskey"),
    "X": ("เอ็กซ์", "เอกซเรย์", "X-ray"),
    "Y": ("วาย", "แยงกี้", "Yankee"),
    "Z": ("แซด", "ซูลู", "Zulu"),
}
assert set(SPOKEN) == set(ALPHABET), "every character of the tracking-code alphabet needs a spoken word"


@dataclass(frozen=True)
class Spoken:
    char: str
    thai: str  # what to say: the Thai number, or the letter's Thai name and its radio word
    english: str

    @property
    def is_digit(self) -> bool:
        return self.char.isdigit()


def spoken(char: str) -> Spoken:
    """One character as said aloud; KeyError for a character outside the alphabet."""
    name, radio, english = SPOKEN[char.upper()]
    return Spoken(char.upper(), f"{name} {radio}".strip(), english)


def spell_code(code: str) -> list[list[Spoken]]:
    """A tracking code (`RK7Q-M2XW-9`) as its dash-separated groups, each character with its spoken words.
    Characters outside the alphabet (a stray space) are left out rather than read wrongly."""
    groups = []
    for group in code.strip().upper().split("-"):
        spelled = [spoken(ch) for ch in group if ch in SPOKEN]
        if spelled:
            groups.append(spelled)
    return groups


def spell_line(code: str) -> str:
    """The whole code as one line to read out: groups separated by " / " (a pause)."""
    return " / ".join(" ".join(s.thai for s in group) for group in spell_code(code))
