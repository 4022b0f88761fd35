from django.urls import path

from raksa.tracking import views

app_name = "tracking"

urlpatterns = [
    path("", views.track_page, name="page"),
]
