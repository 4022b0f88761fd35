"""What every form shares: a service's RaksaError shown on the field it names, in Thai and English.

Forms only parse and check simple fields; the services decide everything else and raise RaksaError. Any app's
forms (the workspace's, people's, the channels' to come) put those errors back with `add_service_error`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from html import escape
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
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


class QuickSelect(forms.Select):
    """Django's <select>, the same HTML, rendered with plain string joins rather than a template per option.

    A province list (78 options) took ~9 ms through the templates and ~4 ms through format_html; the public
    report page is read by every person who reports, so its lists use this.
    """

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        chosen = {"" if v is None else str(v) for v in self.format_value(value)}
        parts = [f'<select name="{escape(name)}"{flatatt(self.build_attrs(self.attrs, attrs))}>']
        for option_value, option_label in self.choices:
            if isinstance(option_label, list | tuple):
                parts.append(f'<optgroup label="{escape(str(option_value))}">')
                parts.extend(_option(v, label, chosen) for v, label in option_label)
                parts.append("</optgroup>")
            else:
                parts.append(_option(option_value, option_label, chosen))
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 (every value and label is escaped above)


def _option(value: Any, label: Any, chosen: set[str]) -> str:
    value = "" if value is None else str(value)
    selected = " selected" if value in chosen else ""
    return f'<option value="{escape(value)}"{selected}>{escape(str(label))}</option>'
