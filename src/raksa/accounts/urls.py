from django.urls import path

from raksa.accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/verify/", views.second_factor, name="second_factor"),
    path("login/enrol/", views.second_factor_enrol, name="second_factor_enrol"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
]
