from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from raksa.accounts.forms import LoginForm


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """POST only (Django's default): a link crawled or prefetched must never sign anyone out."""


def home(request: HttpRequest) -> HttpResponse:
    return redirect("cases:list" if request.user.is_authenticated else "accounts:login")
