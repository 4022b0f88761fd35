from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from raksa.accounts.forms import LoginForm


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """POST only (Django's default): a link crawled or prefetched must never sign anyone out."""


def login_locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """The sign-in page again, saying why the password was not even tried (django-axes' AXES_LOCKOUT_CALLABLE).

    It never says whether the user name exists or which of the name and the address is locked.
    """
    form = LoginForm(request, initial={"username": (credentials or {}).get("username", "")})
    context = {
        "form": form,
        "locked_out": True,
        "cooloff_minutes": settings.RAKSA_LOGIN_COOLOFF_MINUTES,
        "next": request.POST.get("next", "") if request.method == "POST" else "",
    }
    return render(request, "registration/login.html", context, status=429)


def home(request: HttpRequest) -> HttpResponse:
    return redirect("cases:list" if request.user.is_authenticated else "accounts:login")
