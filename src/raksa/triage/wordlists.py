"""Reading triage's curated data files (data/*.txt word lists, data/*.json place records), refusing duplicates.

A word list file is plain UTF-8 text, so linguists can edit it without touching code:

    # a comment (a whole line)
    [section.name]
    ขู่ฆ่า
    "not "        a phrase that starts or ends with a space is written as a JSON string
    ขู่จะทำร้าย *2  counted twice (only in the lists whose reader allows weights)

A phrase listed twice in one section, a section named twice, a phrase outside any section and a malformed
line are errors that name the phrase, the file and the lines: a duplicate is either a mistake or, where the
count matters (the lexicon's features), a weight that should be written as one. A JSON file is refused for a
key given twice in one object or a string given twice in one list; its reader checks what more it needs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

__all__ = ["WordList", "WordListError", "WordLists", "data_file", "read_json", "read_word_lists"]

_SECTION = re.compile(r"\[([a-z0-9_.]+)\]")
_WEIGHT = re.compile(r"(.*?)\s+\*([1-9][0-9]*)")


class WordListError(ValueError):
    """A curated data file that cannot be used as it stands."""


def data_file(name: str) -> Traversable:
    """A file in src/raksa/triage/data/, read from the installed package."""
    return resources.files("raksa.triage").joinpath("data", name)


@dataclass(frozen=True)
class WordList:
    name: str
    phrases: tuple[str, ...]
    # Phrases written "phrase *N": how many times each counts. Absent means once.
    weights: Mapping[str, int] = field(default_factory=dict)


class WordLists:
    """The sections of one word list file, in file order."""

    def __init__(self, source: str, lists: dict[str, WordList]) -> None:
        self.source = source
        self.lists = lists

    def names(self) -> tuple[str, ...]:
        return tuple(self.lists)

    def weighted(self, name: str) -> WordList:
        try:
            return self.lists[name]
        except KeyError:
            raise WordListError(f"{self.source}: section [{name}] is missing") from None

    def phrases(self, name: str) -> tuple[str, ...]:
        """A section whose phrases each count once (a weight there is an error)."""
        found = self.weighted(name)
        if found.weights:
            phrase = next(iter(found.weights))
            raise WordListError(f"{self.source}: [{name}] takes no weights, but {phrase!r} has one")
        return found.phrases

    def expect(self, names: Iterable[str]) -> None:
        """Refuse a file whose sections are not exactly `names` (a misspelt section would be read as empty)."""
        wanted = list(names)
        unknown = [n for n in self.lists if n not in wanted]
        missing = [n for n in wanted if n not in self.lists]
        if unknown or missing:
            raise WordListError(f"{self.source}: unknown sections {unknown}, missing sections {missing}")


def _phrase(text: str, source: str, number: int) -> tuple[str, int]:
    weight = 1
    match = _WEIGHT.fullmatch(text)
    if match is not None:
        text, weight = match.group(1), int(match.group(2))
    if text.startswith('"'):
        try:
            value = json.loads(text)
        except ValueError:
            value = None
        if not isinstance(value, str):
            raise WordListError(f"{source}, line {number}: {text!r} is not a well-formed quoted phrase")
        text = value
    if not text.strip():
        raise WordListError(f"{source}, line {number}: empty phrase")
    return text, weight


def parse_word_lists(text: str, *, source: str) -> WordLists:
    """Parse the word list format (see the module docstring); `source` names the file in errors."""
    lists: dict[str, WordList] = {}
    seen: dict[str, dict[str, int]] = {}  # section -> phrase -> line
    section_lines: dict[str, int] = {}
    current: str | None = None
    phrases: dict[str, list[str]] = {}
    weights: dict[str, dict[str, int]] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        header = _SECTION.fullmatch(line)
        if header is not None:
            current = header.group(1)
            if current in section_lines:
                raise WordListError(
                    f"{source}: section [{current}] appears twice (lines {section_lines[current]} and {number})"
                )
            section_lines[current] = number
            seen[current], phrases[current], weights[current] = {}, [], {}
            continue
        if current is None:
            raise WordListError(f"{source}, line {number}: {line!r} comes before any [section]")
        phrase, weight = _phrase(line, source, number)
        first = seen[current].get(phrase)
        if first is not None:
            raise WordListError(
                f"{source}: duplicate phrase {phrase!r} in [{current}] (lines {first} and {number})"
            )
        seen[current][phrase] = number
        phrases[current].append(phrase)
        if weight != 1:
            weights[current][phrase] = weight
    for name in section_lines:
        lists[name] = WordList(name, tuple(phrases[name]), weights[name])
    return WordLists(source, lists)


def read_word_lists(path: Path | Traversable) -> WordLists:
    return parse_word_lists(path.read_text(encoding="utf-8"), source=str(path))


def read_json(path: Path | Traversable) -> Any:
    """A JSON file, refusing a key given twice in one object or a string given twice in one list."""
    source = str(path)

    def unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for key, value in pairs:
            if key in found:
                raise WordListError(f"{source}: key {key!r} appears twice in one object")
            found[key] = value
        return found

    data = json.loads(path.read_text(encoding="utf-8"), object_pairs_hook=unique_keys)
    _check_lists(data, source)
    return data


def _check_lists(value: Any, source: str) -> None:
    if isinstance(value, dict):
        for item in value.values():
            _check_lists(item, source)
    elif isinstance(value, list):
        strings: set[str] = set()
        for item in value:
            if isinstance(item, str):
                if item in strings:
                    raise WordListError(f"{source}: duplicate {item!r} in one list")
                strings.add(item)
            else:
                _check_lists(item, source)
