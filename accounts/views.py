"""The member's own account page: how others see them, and their private feed address."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts.forms import DisplayNameForm
from accounts.models import FeedToken
from course.privacy import mark_private


@login_required
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    form = DisplayNameForm(request.POST or None, instance=request.user)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, "Your display name is saved.")
            return redirect("accounts:account")
        status = 400
    else:
        status = 200
    mark_private(request)
    token = FeedToken.for_user(request.user).token
    context = {
        "form": form,
        "feed_url": request.build_absolute_uri(
            reverse("posts:private_feed", kwargs={"token": token})
        ),
    }
    return render(request, "accounts/account.html", context, status=status)


@login_required
@require_POST
def revoke_feed(request: HttpRequest) -> HttpResponse:
    """A new secret feed address; the old one stops working at once."""
    FeedToken.for_user(request.user).revoke()
    messages.success(request, "Your feed address is new: update it in your feed reader.")
    return redirect("accounts:account")
