"""What every form shares: a service's RaksaError shown on the field it names, in Thai and English.

Forms only parse and check simple fields; the services decide everything else and raise RaksaError. Any app's
forms (the workspace's, people's, the channels' to come) put those errors back with `add_service_error`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from raksa.core.errors import RaksaError


def bilingual(message_th: str, message_en: str) -> SafeString:
    """The current language's message first and prominent, the other one small beneath it."""
    if (get_language() or "th").startswith("en"):
        main, alt, alt_lang = message_en, message_th, "th"
    else:
        main, alt, alt_lang = message_th, message_en, "en"
    return format_html(
        '<span class="msg-main">{}</span><span class="msg-alt" lang="{}">{}</span>', main, alt_lang, alt
    )


def required_message(message_th: str, message_en: str) -> dict[str, Any]:
    """`error_messages` for a required field, in both languages."""
    return {"required": _LazyBilingual(message_th, message_en)}


class _LazyBilingual:
    """Rendered when the error is raised, so it follows the language of that request."""

    def __init__(self, message_th: str, message_en: str) -> None:
        self.message_th = message_th
        self.message_en = message_en

    def __str__(self) -> str:
        return bilingual(self.message_th, self.message_en)


def add_service_error(
    form: forms.BaseForm, error: RaksaError, *, fields: Mapping[str, str] | None = None
) -> None:
    """Attach a service's error to the field it names, or to the whole form when the form has no such field.

    `fields` maps a service's field name to the form's where the two differ (a service's "address.text" is a
    form's "text").
    """
    renamed = fields or {}
    items: Iterable[Any] = error.errors or [error]
    for item in items:
        name = renamed.get(item.field, item.field) if item.field else None
        form.add_error(name if name in form.fields else None, bilingual(item.message_th, item.message_en))
