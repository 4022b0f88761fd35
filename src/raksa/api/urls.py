"""/api/v1/: the ninja API, then JSON 404s for every other path under it (never Django's HTML page)."""

from django.urls import URLPattern, URLResolver, path, re_path

from raksa.api.api import api
from raksa.api.errors import not_found_view, with_json_405

# Not unpacked into module globals: a module-level `app_name` would rename the namespace include() gives us.
_ninja_urls = api.urls

urlpatterns: list[URLPattern | URLResolver] = [
    path("", (with_json_405(_ninja_urls[0]), _ninja_urls[1], _ninja_urls[2])),
    re_path(r"^.*$", not_found_view, name="api-not-found"),
]
