"""What every public tracking answer carries, the page's and the API's alike."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control


def private_answer(response: HttpResponse) -> HttpResponse:
    """Never indexed, never kept by a browser or a proxy, and no Referer sent from it: the address may hold a
    tracking code, and the answer is one person's business."""
    response["X-Robots-Tag"] = "noindex, nofollow, noarchive"
    response["Referrer-Policy"] = "no-referrer"
    add_never_cache_headers(response)
    patch_cache_control(response, private=True)
    return response
