from __future__ import annotations

from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_POST

from images.models import Image
from images.processing import ImageRejected


@require_POST
@permission_required("images.add_image", raise_exception=True)
def upload(request: HttpRequest) -> JsonResponse:
    """Store one uploaded image (field "file"); answer with what the editor inserts."""
    upload = request.FILES.get("file")
    if upload is None:
        return JsonResponse({"error": "Choose an image file to upload."}, status=400)
    try:
        image = Image.objects.create_from_upload(upload, owner=request.user)
    except ImageRejected as rejected:
        return JsonResponse({"error": str(rejected)}, status=400)
    return JsonResponse(image.as_json(), status=201)
