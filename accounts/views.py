"""The member's own account page: how others see them (name, picture), and their
private feed address."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts import avatars
from accounts.forms import AvatarForm, DisplayNameForm
from accounts.models import FeedToken
from course.privacy import mark_private
from images.processing import ImageRejected


@login_required
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    form = DisplayNameForm(request.POST or None, instance=request.user)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, "Your display name is saved.")
            return redirect("accounts:account")
        return _account_page(request, name_form=form, status=400)
    return _account_page(request, name_form=form)


@login_required
@require_POST
def avatar(request: HttpRequest) -> HttpResponse:
    """Upload a picture to show beside the member's name (accounts/avatars.py)."""
    form = AvatarForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            avatars.set_picture(request.user, form.cleaned_data["picture"])
        except ImageRejected as rejected:
            form.add_error("picture", str(rejected))
        else:
            messages.success(request, "Your picture is saved.")
            return redirect("accounts:account")
    return _account_page(request, picture_form=form, status=400)


@login_required
@require_POST
def remove_avatar(request: HttpRequest) -> HttpResponse:
    """Back to the avatar drawn from the display name."""
    avatars.remove_picture(request.user)
    messages.success(request, "Your picture is removed: your initials show instead.")
    return redirect("accounts:account")


def _account_page(
    request: HttpRequest, *, name_form=None, picture_form=None, status: int = 200
) -> HttpResponse:
    mark_private(request)
    token = FeedToken.for_user(request.user).token
    user = request.user
    context = {
        "form": name_form or DisplayNameForm(instance=user),
        "picture_form": picture_form or AvatarForm(),
        "avatar": avatars.avatar_for(user, user.display_name),
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
