from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.decorators import instructor_required
from archive.forms import StaticSiteForm
from archive.static_site import StaticSite
from archive.zips import stream_zip


@require_POST
@instructor_required
def static_site(request: HttpRequest) -> HttpResponse:
    """The course as a static site (archive/static_site.py), sent as it is made.

    Nothing is stored and no state is kept between requests, so it works the same on
    any number of app servers; the first bytes leave with the first page, so no proxy
    waits on a silent connection (see README.md, "Archive and backup", for the time
    it takes)."""
    form = StaticSiteForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose what the archive holds: the public posts, or everything.")
        return redirect(reverse("admin:course_coursesettings_changelist"))
    site = StaticSite(everything=form.everything)
    response = StreamingHttpResponse(stream_zip(site.members()), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{site.file_name}"'
    response["Cache-Control"] = "private, no-store"
    return response
