from django.urls import path

from raksa.intake.volunteer import views

app_name = "volunteer"

urlpatterns = [
    path("", views.home, name="home"),
    path("report/", views.report, name="report"),
    path("report/districts/", views.districts, name="districts"),
    path("cases/<str:number>/", views.case, name="case"),
    path("cases/<str:number>/notes/", views.note_add, name="note_add"),
]
