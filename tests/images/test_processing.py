"""Uploaded images: refused with a reason when unsafe, stored upright and metadata-free."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage

from accounts.roles import make_student
from images.models import Image
from images.processing import MAX_SIDE, ImageRejected
from tests.factories import make_user
from tests.images.files import png_claiming

pytestmark = pytest.mark.django_db
GPS_IFD = 0x8825
ORIENTATION = 0x0112


def upload(data: bytes, name: str = "photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def jpeg(size=(640, 480), color="teal", **save_options) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, color).save(buffer, "JPEG", **save_options)
    return buffer.getvalue()


def noisy_jpeg(size=(800, 600)) -> bytes:
    buffer = io.BytesIO()
    PILImage.effect_noise(size, 80).convert("RGB").save(buffer, "JPEG", quality=95)
    return buffer.getvalue()


def stored(name: str) -> PILImage.Image:
    with default_storage.open(name) as handle:
        picture = PILImage.open(io.BytesIO(handle.read()))
        picture.load()
    return picture


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(
            b"Just some text, not a picture.", "not an image we can read", id="not an image"
        ),
        pytest.param(noisy_jpeg()[:20_000], "incomplete", id="truncated JPEG"),
        pytest.param(png_claiming(60_000, 60_000), "million pixels", id="decompression bomb"),
        pytest.param(png_claiming(7_000, 7_000), "7000 × 7000 pixels", id="49 megapixels"),
        pytest.param(png_claiming(65_000, 1), "too long and thin", id="65000 × 1"),
        pytest.param(png_claiming(1, 65_000), "too long and thin", id="1 × 65000"),
        pytest.param(b"\xff\xd8" + b"\x00" * (11 * 1024 * 1024), "at most 10.0 MB", id="11 MB"),
        pytest.param(b"BM" + b"\x00" * 200, "not an image we can read", id="bitmap header"),
    ],
)
def test_unacceptable_uploads_are_refused_with_a_reason(data, message):
    owner = make_user()
    with pytest.raises(ImageRejected, match=message):
        Image.objects.create_from_upload(upload(data), owner=owner)
    assert not Image.objects.exists()


def test_gps_and_all_other_metadata_are_stripped():
    exif = PILImage.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[GPS_IFD] = {1: "N", 2: (41.0, 52.0, 30.0), 3: "E", 4: (12.0, 29.0, 40.0)}
    data = jpeg(exif=exif.tobytes(), comment=b"secret")
    assert PILImage.open(io.BytesIO(data)).getexif().get_ifd(GPS_IFD)

    image = Image.objects.create_from_upload(upload(data), owner=make_user())

    for name in [image.file.name, *(r["name"] for r in image.renditions)]:
        picture = stored(name)
        assert not picture.getexif(), name
        assert not {"exif", "comment", "icc_profile", "xmp"} & set(picture.info), name


def test_a_rotated_phone_photo_is_stored_upright():
    # Pixels as the sensor saw them: red on the left, blue on the right; EXIF says
    # "rotate 90° clockwise to display", as phones held upright write it.
    sideways = PILImage.new("RGB", (400, 200), "blue")
    sideways.paste((255, 0, 0), (0, 0, 200, 200))
    exif = PILImage.Exif()
    exif[ORIENTATION] = 6
    buffer = io.BytesIO()
    sideways.save(buffer, "JPEG", exif=exif.tobytes(), quality=95)

    image = Image.objects.create_from_upload(upload(buffer.getvalue()), owner=make_user())

    upright = stored(image.file.name)
    assert (image.width, image.height) == (200, 400)
    assert upright.size == (200, 400)
    red, _green, blue = upright.getpixel((100, 40))
    assert red > 200
    assert blue < 60
    red, _green, blue = upright.getpixel((100, 360))
    assert blue > 200
    assert red < 60


def test_large_images_are_capped_and_get_renditions():
    image = Image.objects.create_from_upload(upload(jpeg((3000, 1500))), owner=make_user())

    assert (image.width, image.height) == (MAX_SIDE, 1200)
    widths = sorted({r["width"] for r in image.renditions})
    assert widths == [480, 960, 1600, MAX_SIDE]
    assert {r["format"] for r in image.renditions} == {"webp", "jpg"}
    for rendition in image.renditions:
        assert stored(rendition["name"]).width == rendition["width"]
    assert "480w" in image.srcset("webp")
    assert image.fallback_url.endswith(f"-{MAX_SIDE}w.jpg")


def test_a_small_image_is_not_enlarged():
    image = Image.objects.create_from_upload(upload(jpeg((300, 200))), owner=make_user())
    assert sorted({r["width"] for r in image.renditions}) == [300]


def test_an_animated_gif_keeps_its_first_frame():
    frames = [PILImage.new("RGB", (60, 40), color) for color in ("red", "blue")]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=100)
    image = Image.objects.create_from_upload(upload(buffer.getvalue(), "a.gif"), owner=make_user())
    first = stored(image.file.name).convert("RGB")
    assert image.file.name.endswith(".png")
    assert first.getpixel((10, 10))[0] > 200


def test_png_transparency_survives_in_the_original_and_webp():
    picture = PILImage.new("RGBA", (1000, 500), (0, 0, 0, 0))
    picture.paste((200, 30, 30, 255), (0, 0, 500, 500))  # opaque red left, clear right
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    image = Image.objects.create_from_upload(upload(buffer.getvalue(), "t.png"), owner=make_user())

    webps = [r for r in image.renditions if r["format"] == "webp"]
    assert sorted(r["width"] for r in webps) == [480, 960, 1000]
    for name in [image.file.name, *(r["name"] for r in webps)]:
        kept = stored(name)
        assert kept.mode == "RGBA", name
        assert kept.getpixel((kept.width // 4, kept.height // 2))[3] == 255, name
        assert kept.getpixel((kept.width * 3 // 4, kept.height // 2))[3] == 0, name


def test_the_upload_endpoint_answers_the_editor(client):
    student = make_user()
    make_student(student)
    client.force_login(student)
    url = reverse("images:upload")

    answer = client.post(url, {"file": upload(jpeg((1200, 800)))})
    assert answer.status_code == 201
    body = answer.json()
    assert body["width"] == 1200
    assert body["webpSrcset"].count("w,") == 2
    assert Image.objects.get().owner == student

    refused = client.post(url, {"file": upload(b"nope")})
    assert refused.status_code == 400
    assert "not an image" in refused.json()["error"]
    assert client.post(url).json()["error"] == "Choose an image file to upload."


def test_guests_cannot_upload(client):
    assert client.post(reverse("images:upload"), {"file": upload(jpeg())}).status_code == 403
