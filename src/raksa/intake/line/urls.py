from django.urls import path

from raksa.intake.line import simulator_views, views

app_name = "line"
urlpatterns = [
    path("webhook", views.webhook, name="webhook"),
    # Development only: each answers 404 unless RAKSA_LINE_SIMULATOR is on.
    path("simulator/", simulator_views.page, name="simulator"),
    path("simulator/send", simulator_views.send, name="simulator-send"),
    path("simulator/new", simulator_views.user_new, name="simulator-new"),
    path("simulator/photo", simulator_views.photo, name="simulator-photo"),
    path("simulator/received", simulator_views.received, name="simulator-received"),
]
