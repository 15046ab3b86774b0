from __future__ import annotations

import mimetypes
import posixpath

from django.conf import settings
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_POST, require_safe

from accounts.avatars import PICTURE_FOLDER
from accounts.models import User
from accounts.roles import can_write_posts
from course import term
from course.privacy import mark_private
from images import publication
from images.models import Image, publication_stems
from images.processing import ImageRejected


@require_POST
def upload(request: HttpRequest) -> JsonResponse:
    """Store one uploaded image (field "file"); answer with what the editor inserts."""
    if not can_write_posts(request.user):
        return JsonResponse(
            {"error": "Only the course's students and instructors can upload images."}, status=403
        )
    if locked := term.locked_reason(request.user):
        return JsonResponse({"error": locked}, status=403)
    upload = request.FILES.get("file")
    if upload is None:
        return JsonResponse({"error": "Choose an image file to upload."}, status=400)
    try:
        image = Image.objects.create_from_upload(upload, owner=request.user)
    except ImageRejected as rejected:
        return JsonResponse({"error": str(rejected)}, status=400)
    return JsonResponse(image.as_json(), status=201)


@require_safe
def media(request: HttpRequest, path: str) -> HttpResponse:
    """A picture, to a reader who may see it (images/publication.py); 404 otherwise.

    The web server answers for public copies itself; in development this view does
    (with SERVE_MEDIA). For the rest it checks the reader and hands the file over
    (X-Accel-Redirect, X-Sendfile, or the file itself). A picture the reader may not
    see looks exactly like one that does not exist.
    """
    name = posixpath.normpath(path).lstrip("/")
    if name != path or name.startswith(".") or not name.startswith(("images/", PICTURE_FOLDER)):
        raise Http404
    public = publication.public_root() / name
    if settings.SERVE_MEDIA and public.is_file():
        return _file_response(public, public=True)
    if name.startswith(PICTURE_FOLDER):
        return _avatar(request, name)
    stems = publication_stems(name)
    image = Image.objects.filter(stem=stems.pop()).first() if stems else None
    if image is None or name not in publication.image_names(image):
        raise Http404
    if not publication.may_see(request.user, image):
        raise Http404
    mark_private(request)
    return _private_file(name)


def _avatar(request: HttpRequest, name: str) -> HttpResponse:
    """A member's picture, to a reader who may see it; 404 otherwise."""
    owner = User.objects.filter(Q(avatar_small=name) | Q(avatar_large=name)).first()
    if owner is None or not publication.may_see_avatar(request.user, owner):
        raise Http404
    mark_private(request)
    return _private_file(name)


def _private_file(name: str) -> HttpResponse:
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if settings.MEDIA_ACCEL == "x-accel-redirect":
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = settings.MEDIA_ACCEL_PREFIX.rstrip("/") + "/" + name
    elif settings.MEDIA_ACCEL == "x-sendfile":
        response = HttpResponse(content_type=content_type)
        response["X-Sendfile"] = str(publication.private_path(name))
    else:
        path = publication.private_path(name)
        if not path.is_file():
            raise Http404
        response = _file_response(path, public=False)
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _file_response(path, *, public: bool) -> FileResponse:
    response = FileResponse(path.open("rb"), content_type=mimetypes.guess_type(path.name)[0])
    if public:
        response["Cache-Control"] = "public, max-age=31536000, immutable"  # names never change
    return response
