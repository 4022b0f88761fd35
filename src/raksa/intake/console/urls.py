from django.urls import path

from raksa.intake.console import views

app_name = "console"

urlpatterns = [
    path("", views.console, name="console"),
    path("live", views.live, name="live"),
    path("caller", views.caller, name="caller"),
    path("triage", views.triage_suggest, name="triage"),
    path("calls/start", views.call_start, name="call_start"),
    path("calls/end", views.call_end, name="call_end"),
    path("submit", views.submit, name="submit"),
    path("result/<str:public_id>/", views.result, name="result"),
    path("result/<str:public_id>/join", views.join, name="join"),
]
