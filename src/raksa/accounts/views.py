from __future__ import annotations

from base64 import b32encode
from typing import Any
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from raksa.accounts.forms import LoginForm, SecondFactorForm
from raksa.accounts.models import Role, User
from raksa.accounts.selectors import recovery_codes_left, second_factor_enrolled, second_factor_required
from raksa.accounts.services import second_factor_verify, totp_enrolment_confirm, totp_enrolment_start
from raksa.core.errors import RaksaError
from raksa.core.forms import add_service_error

# The volunteers' pages (raksa.intake.volunteer, mounted in raksa.urls): by path, since accounts sits below intake.
VOLUNTEER_PREFIX = "/volunteer/"


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_success_url(self) -> str:
        """A volunteer lands on her own page: the staff pages are not hers, even when a link asked for one."""
        url = super().get_success_url()
        user = self.request.user
        if getattr(user, "role", None) == Role.VOLUNTEER and not url.startswith(VOLUNTEER_PREFIX):
            return VOLUNTEER_PREFIX
        return url

    def form_valid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_valid(form)
        if second_factor_required(user=form.get_user()):
            return redirect(_with_next("accounts:second_factor", self.get_success_url()))
        return response


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


def _with_next(name: str, next_url: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


def _next_url(request: HttpRequest) -> str:
    """Where to go once signed in: the page asked for, if it is on this site."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _second_factor_passed(request: HttpRequest, device: Any) -> None:
    otp_login(request, device)
    # A new session key for the more trusted session, as Django does at sign-in, so one seen before is worthless.
    request.session.cycle_key()


def _step_done(request: HttpRequest, user: User) -> bool:
    return not second_factor_required(user=user) or request.user.is_verified()  # type: ignore[union-attr]


@never_cache
@login_required
def second_factor(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: a code from the authenticator app, or a recovery code."""
    user: User = request.user  # type: ignore[assignment]
    next_url = _next_url(request)
    if _step_done(request, user):
        return redirect(next_url)
    if not second_factor_enrolled(user=user):
        return redirect(_with_next("accounts:second_factor_enrol", next_url))
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = second_factor_verify(user=user, code=form.cleaned_data["code"])
        except RaksaError as error:
            add_service_error(form, error)
        else:
            _second_factor_passed(request, device)
            if isinstance(device, StaticDevice):
                left = recovery_codes_left(user=user)
                messages.warning(
                    request,
                    _("ใช้รหัสกู้คืนไปหนึ่งรหัสแล้ว เหลืออีก %(count)s รหัส") % {"count": left},
                )
            return redirect(next_url)
    context = {"form": form, "next": next_url, "second_factor_pending": True}
    return render(request, "registration/second_factor.html", context)


@never_cache
@login_required
def second_factor_enrol(request: HttpRequest) -> HttpResponse:
    """First sign-in of a user who needs a second factor: set up an authenticator app, then see the recovery
    codes once."""
    user: User = request.user  # type: ignore[assignment]
    next_url = _next_url(request)
    if _step_done(request, user):
        return redirect(next_url)
    if second_factor_enrolled(user=user):
        return redirect(_with_next("accounts:second_factor", next_url))
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = totp_enrolment_confirm(user=user, code=form.cleaned_data["code"])
        except RaksaError as error:
            add_service_error(form, error)
        else:
            _second_factor_passed(request, device)
            return render(request, "registration/recovery_codes.html", {"codes": codes, "next": next_url})
    device = totp_enrolment_start(user=user)
    uri = device.config_url
    # Inline SVG has no script or style attribute, so the CSP lets it through; segno builds it here, offline.
    qr = segno.make(uri, error="m").svg_inline(
        scale=4, border=2, dark="#1b1f24", light="#ffffff", title=_("คิวอาร์โค้ดสำหรับแอปยืนยันตัวตน")
    )
    context = {
        "form": form,
        "next": next_url,
        "uri": uri,
        "secret": _grouped(b32encode(device.bin_key).decode("ascii").rstrip("=")),
        "qr": mark_safe(qr),  # made by segno from our own URI, escaped there
        "second_factor_pending": True,
    }
    return render(request, "registration/second_factor_enrol.html", context)


def _grouped(secret: str) -> str:
    # Typed by hand into an app when the camera cannot read the code: groups of four are easier to copy.
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    if getattr(request.user, "role", None) == Role.VOLUNTEER:
        return redirect(VOLUNTEER_PREFIX)
    return redirect("cases:list")
