"""The header's count of unread notices, and a notice in the language being shown."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language

from raksa.accounts.models import Notice, User
from raksa.accounts.selectors import notices_unread_count

register = template.Library()


@register.simple_tag
def unread_notices(user: Any) -> int:
    """0 for anyone not signed in as staff (the sign-in page uses the same header)."""
    if not isinstance(user, User) or not user.is_authenticated:
        return 0
    return notices_unread_count(user=user)


@register.simple_tag
def notice_message(notice: Notice) -> str:
    english = (get_language() or "th").startswith("en")
    return (notice.message_en or notice.message_th) if english else (notice.message_th or notice.message_en)
