from django.urls import path

from raksa.dispatch import views

app_name = "dispatch"

urlpatterns = [
    path("", views.board, name="board"),
    path("live", views.board_live, name="board_live"),
    path("phones/", views.phones, name="phones"),
    path("route/", views.route_dry_run, name="route"),
    path("<int:pk>/", views.respond_staff, name="respond_staff"),
    path("<int:pk>/respond/<str:token>/", views.respond, name="respond"),
]
