from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_POST

from accounts.roles import can_write_posts
from course import term
from images.models import Image
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
