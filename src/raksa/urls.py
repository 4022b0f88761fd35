from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from raksa.core.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("raksa.api.urls")),
    path("report/", include("raksa.intake.web.urls")),
    path("track/", include("raksa.tracking.urls")),
    path("console/", include("raksa.intake.console.urls")),
    path("dispatch/", include("raksa.dispatch.urls")),
    path("volunteer/", include("raksa.intake.volunteer.urls")),
    path("line/", include("raksa.intake.line.urls")),
    path("", include("raksa.accounts.urls")),
    path("", include("raksa.workspace.people_urls")),
    path("", include("raksa.workspace.notice_urls")),
    path("", include("raksa.workspace.urls")),
]

if settings.RAKSA_BENCH_ENDPOINTS:
    # Only for bench/intake_bench.py on a throw-away database: see raksa.intake.bench.
    from raksa.intake.bench import bare_insert
    from raksa.tracking.bench import bare_read

    urlpatterns.append(path("bench/insert", bare_insert, name="bench-insert"))
    urlpatterns.append(path("bench/read/<str:code>", bare_read, name="bench-read"))

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
