"""The signed, expiring link in an alert: a field team acts from its phone without a password.

The link names one dispatch and the unit it was sent to, signed with the secret key (Django's signing, its own
salt) and valid for RAKSA_DISPATCH_LINK_HOURS. A tampered or foreign token, or a token for another dispatch than
the one in the address, is the same NotFound as a missing dispatch; an expired one says so, so the team logs in.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse

from raksa.dispatch.models import Dispatch

SALT = "raksa.dispatch.responder-link"


@dataclass(frozen=True)
class LinkCheck:
    dispatch: Dispatch | None
    expired: bool = False


def link_token(dispatch: Dispatch) -> str:
    return signing.dumps({"d": dispatch.pk, "u": dispatch.unit_id}, salt=SALT, compress=False)


def link_url(dispatch: Dispatch) -> str:
    path = reverse("dispatch:respond", kwargs={"pk": dispatch.pk, "token": link_token(dispatch)})
    return settings.RAKSA_PUBLIC_URL + path


def link_check(pk: int, token: str) -> LinkCheck:
    """The dispatch a link opens, or None (expired=True when the only fault is its age)."""
    try:
        data = signing.loads(token, salt=SALT, max_age=settings.RAKSA_DISPATCH_LINK_HOURS * 3600)
    except signing.SignatureExpired:
        return LinkCheck(None, expired=True)
    except signing.BadSignature:
        return LinkCheck(None)
    if not isinstance(data, dict) or data.get("d") != pk or not isinstance(data.get("u"), int):
        return LinkCheck(None)
    dispatch = Dispatch.objects.select_related("case", "unit").filter(pk=pk, unit_id=data["u"]).first()
    return LinkCheck(dispatch)
