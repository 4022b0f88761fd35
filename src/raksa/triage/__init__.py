"""Thai triage: read a report and decide emergency, category, urgency, entities and routing.

A pure library (no Django, no database) used by every intake channel. Importing the package is cheap: the
classifier model, PyThaiNLP and geothai load on first use, so the `raksa triage` command starts quickly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from raksa.triage.types import CATEGORIES, EMERGENCY_TYPES, URGENCIES, Entities, Routing, TriageResult

if TYPE_CHECKING:
    from raksa.triage.normalize import normalize

__all__ = [
    "CATEGORIES",
    "EMERGENCY_TYPES",
    "URGENCIES",
    "Entities",
    "Routing",
    "TriageResult",
    "normalize",
    "triage",
    "triage_warm",
]

# A report that names a place, a phone and a threat: reading it offline loads every piece triage keeps (model,
# lexicon, geothai's place indexes, the routing table).
# "ช่วยด้วย" typed with the keyboard in English layout.
_WARM_LAYOUT = "=j;pfh;p"
_WARM_TEXT = "มีคนถือมีดขู่จะทำร้าย ที่บ้านเลขที่ 5 ตำบลบางรัก อำเภอเมืองเชียงใหม่ จังหวัดเชียงใหม่ โทร 0812345678"


def triage(text: str, *, with_routing: bool = True) -> TriageResult:
    """Classify one report and extract its entities and a routing suggestion.

    The back-end is chosen here: the offline model always answers, and when RAKSA_TRIAGE_LLM_URL is set the LLM
    back-end is asked too, with the offline answer passed in for its safety check; if the LLM fails the offline
    answer stands (backend "offline-fallback"), so this never fails for lack of a network. A bad
    RAKSA_TRIAGE_LLM_TIMEOUT raises `raksa.triage.llm.LlmSettingsError`.
    """
    from dataclasses import replace

    from raksa.triage.classifier import classify_offline
    from raksa.triage.llm import classify_llm, llm_settings

    settings = llm_settings()
    result = classify_offline(text)
    if settings is not None:
        result = classify_llm(text, offline=result, settings=settings) or replace(
            result, backend="offline-fallback"
        )
    return _with_entities(text, result, with_routing=with_routing)


def _with_entities(text: str, result: TriageResult, *, with_routing: bool) -> TriageResult:
    from dataclasses import replace

    from raksa.triage.entities import extract_entities
    from raksa.triage.layout import read_layout

    # Entities read the raw text: normalising collapses repeated characters, which would damage numbers. Thai
    # typed on Latin keys is read back first, so its places are found; a number is never converted.
    entities = extract_entities(read_layout(text))
    routing = None
    if with_routing:
        from raksa.triage.routing import suggest_routing

        routing = suggest_routing(result.category, result.emergency_type is not None, entities)
    return replace(result, entities=entities, routing=routing)


def triage_warm() -> None:
    """Load everything triage reads now, rather than on the first report.

    The pieces load lazily and are cached per process, but a cache does not stop several threads from each
    loading the same piece when the first reports arrive together: on a busy server that start costs seconds of
    CPU in every web process. A pre-forking server calls this once before it forks, so its processes share what
    was loaded and the first caller is answered as fast as the thousandth. Offline only: a server's start never
    sends a made-up report to the LLM back-end.
    """
    from raksa.triage.classifier import classify_offline
    from raksa.triage.layout import read_layout
    from raksa.triage.romanised import read_romanised

    _with_entities(_WARM_TEXT, classify_offline(_WARM_TEXT), with_routing=True)
    # The readers of romanised Thai and of Thai on Latin keys load their tables (and PyThaiNLP's word list)
    # only when a report has Latin letters; a report made up here loads them now.
    read_romanised("chuay duay")
    read_layout(_WARM_LAYOUT)


def __getattr__(name: str) -> Any:
    if name == "normalize":
        from raksa.triage.normalize import normalize

        return normalize
    raise AttributeError(f"module 'raksa.triage' has no attribute {name!r}")
