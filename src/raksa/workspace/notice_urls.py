from django.urls import path

from raksa.workspace import notice_views as views

app_name = "notices"

urlpatterns = [
    path("notices/", views.notice_list, name="list"),
    path("notices/read/", views.notice_read_all, name="read_all"),
]
