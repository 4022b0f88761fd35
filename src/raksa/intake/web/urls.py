from django.urls import path

from raksa.intake.web import views

app_name = "report"

urlpatterns = [
    path("", views.report_page, name="page"),
    path("emergency/", views.emergency_submit, name="emergency"),
    path("sent/<str:public_id>/", views.report_sent, name="sent"),
    path("districts/", views.districts, name="districts"),
]
