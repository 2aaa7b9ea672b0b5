"""Readers' accounts: register (confirmed by e-mail), sign in and out, reset a password,
see and change one's profile, take one's data away, delete the account."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.mail import send_mail
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from javon.access import services as access
from javon.access.forms import DeleteAccountForm, ProfileForm, RegistrationForm

_VERIFY_SALT = "javon.access.verify-email"


def verification_token(user: Any) -> str:
    # Signed with the user's current e-mail: a token for an old address stops working.
    return signing.TimestampSigner(salt=_VERIFY_SALT).sign_object({"id": user.pk, "email": user.email})


def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("access:profile")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        link = request.build_absolute_uri(reverse("access:verify", args=[verification_token(user)]))
        send_mail(
            _("Confirm your Javon account"),
            _("Open this link to confirm your e-mail and start reading:\n\n%(link)s\n\nIt works for %(days)s days.")
            % {"link": link, "days": settings.ACCOUNT_VERIFY_DAYS},
            None,
            [user.email],
        )
        access.audit(request, "account.register", target=f"user:{user.pk}")
        return render(request, "access/verify_sent.html", {"email": user.email})
    return render(request, "access/register.html", {"form": form})


def verify(request: HttpRequest, token: str) -> HttpResponse:
    try:
        data = signing.TimestampSigner(salt=_VERIFY_SALT).unsign_object(
            token, max_age=settings.ACCOUNT_VERIFY_DAYS * 24 * 3600
        )
    except signing.BadSignature:
        return render(request, "access/verify_failed.html", status=400)
    user = get_user_model().objects.filter(pk=data.get("id"), email=data.get("email")).first()
    if user is None:
        return render(request, "access/verify_failed.html", status=400)
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(request, _("Your e-mail is confirmed. Welcome!"))
    return redirect("access:profile")


class LoginView(auth_views.LoginView):
    template_name = "access/login.html"
    redirect_authenticated_user = True


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved."))
        return redirect("access:profile")
    groups = list(request.user.groups.values_list("name", flat=True))
    return render(request, "access/profile.html", {"form": form, "groups": groups})


@login_required
def export_data(request: HttpRequest) -> HttpResponse:
    """Everything Javon keeps about the reader, as JSON."""
    body = json.dumps(access.personal_data(request.user), ensure_ascii=False, indent=2, default=str)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="javon-my-data.json"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def delete_account(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        access.audit(request, "account.delete", target=f"user:{user.pk}")
        logout(request)
        access.delete_account(user)
        messages.success(request, _("Your account and everything kept about it are deleted."))
        return redirect("web:home")
    return render(request, "access/delete.html", {"form": form})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)


password_reset = auth_views.PasswordResetView.as_view(
    template_name="access/password_reset.html",
    email_template_name="access/password_reset_email.txt",
    subject_template_name="access/password_reset_subject.txt",
    success_url=reverse_lazy("access:password_reset_done"),
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(template_name="access/password_reset_done.html")
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="access/password_reset_confirm.html", success_url=reverse_lazy("access:login")
)
password_change = auth_views.PasswordChangeView.as_view(
    template_name="access/password_change.html", success_url=reverse_lazy("access:profile")
)
