"""What an upload may cost: its shape, its pixels, and a worker's memory while processing it."""

import io
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage

from bench import images as bench
from images import processing
from images.models import Image
from images.processing import DecodeCost, ImageRejected
from tests.factories import make_user
from tests.images.files import png_claiming

pytestmark = pytest.mark.django_db


def png(size, mode="RGB", color="teal") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    PILImage.new(mode, size, color).save(buffer, "PNG")
    return SimpleUploadedFile("picture.png", buffer.getvalue(), content_type="image/png")


# Finding 5: extreme aspect ratios gave a 500 (a rendition 0 pixels high).


def test_a_65000_by_1_image_is_refused_by_the_upload_endpoint(client, writer):
    response = client.post(reverse("images:upload"), {"file": png((65_000, 1))})
    assert response.status_code == 400
    assert response.json()["error"] == (
        "This image is 65000 × 1 pixels: too long and thin to show on a page (one side "
        "can be at most 20 times the other). Crop it and upload it again."
    )
    assert not Image.objects.exists()


def test_a_65000_by_1_featured_image_is_refused_with_the_post_kept(client, writer):
    data = {
        "title": "The Sino-Soviet Split",
        "body": "<p>An essay.</p>",
        "featured_image_alt": "A line",
        "featured_image_file": png((65_000, 1)),
        "sources-TOTAL_FORMS": "0",
        "sources-INITIAL_FORMS": "0",
        "action": "save",
    }
    response = client.post(reverse("posts:write"), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "too long and thin to show on a page" in page
    assert "The Sino-Soviet Split" in page


@pytest.mark.parametrize(("size", "accepted"), [((2000, 100), True), ((2100, 100), False)])
def test_one_side_can_be_twenty_times_the_other(size, accepted):
    if not accepted:
        with pytest.raises(ImageRejected, match="too long and thin"):
            Image.objects.create_from_upload(png(size), owner=make_user())
        return
    image = Image.objects.create_from_upload(png(size), owner=make_user())
    assert {(r["width"], r["height"]) for r in image.renditions} == {
        (480, 24),
        (960, 48),
        (1600, 80),
        (2000, 100),
    }


# Finding 6: a 6,320 × 6,320 PNG of 170 KB took ~425 MB in a worker.


def test_the_finding_s_image_is_refused_from_its_header(settings):
    settings.IMAGE_MEMORY_BUDGET_MB = 80
    with pytest.raises(ImageRejected) as refused:
        processing.prepare(SimpleUploadedFile("big.png", png_claiming(6320, 6320)))
    assert str(refused.value) == (
        "This image is 6320 × 6320 pixels; PNG images like it can have at most 12 million "
        "pixels here. Save it smaller (2,400 pixels on its long side is plenty) and upload "
        "it again."
    )


@pytest.mark.parametrize(
    ("image_format", "mode", "limit"),
    [
        ("PNG", "RGB", 12),
        ("PNG", "RGBA", 12),
        ("PNG", "I;16", 24),
        ("PNG", "P", 40),  # IMAGE_MAX_PIXELS
        ("GIF", "P", 40),
        ("WEBP", "RGBA", 4),
        ("JPEG", "RGB", 40),  # decoded at ½ or ¼ size
    ],
)
def test_pixel_limits_follow_from_the_memory_budget(settings, image_format, mode, limit):
    settings.IMAGE_MEMORY_BUDGET_MB = 80
    square = DecodeCost(image_format, mode, 1000, 1000)
    assert round(square.pixel_limit() / 1e6) == limit


def test_a_larger_budget_allows_more_pixels(settings):
    image = DecodeCost("PNG", "RGB", 6320, 6320)
    settings.IMAGE_MEMORY_BUDGET_MB = 80
    assert image.scale() is None
    settings.IMAGE_MEMORY_BUDGET_MB = 256
    assert image.scale() == 1


def test_a_large_jpeg_decodes_at_a_fraction_of_its_size(settings):
    settings.IMAGE_MEMORY_BUDGET_MB = 80
    assert DecodeCost("JPEG", "RGB", 4032, 3024).scale() == 1  # a phone photo, whole
    assert DecodeCost("JPEG", "RGB", 6000, 4000).scale() == 2  # 3000 × 2000: still sharp
    # 4,600 px square does not fit whole; ½ gives 2,300 px, short of 2,400 but enough.
    assert DecodeCost("JPEG", "RGB", 4600, 4600).scale() == 2
    # A progressive JPEG keeps all its coefficients whatever the scale.
    progressive = DecodeCost("JPEG", "RGB", 4600, 4600, ((1, 1), (1, 1), (1, 1)))
    assert progressive.scale() is None

    buffer = io.BytesIO()
    PILImage.new("RGB", (6000, 4000), "teal").save(buffer, "JPEG")
    prepared = processing.prepare(SimpleUploadedFile("photo.jpg", buffer.getvalue()))
    assert (prepared.original.width, prepared.original.height) == (2400, 1600)


def one_component_first_scan(jpeg: bytes) -> bytes:
    """The JPEG with its first scan claiming one component: how a multi-scan file starts."""
    scan = jpeg.index(b"\xff\xda")
    return jpeg[: scan + 4] + b"\x01" + jpeg[scan + 5 :]


@pytest.mark.parametrize(
    ("options", "edit", "keeps_all"),
    [
        pytest.param({}, None, False, id="baseline"),
        pytest.param({"subsampling": 0}, None, False, id="baseline 4:4:4"),
        pytest.param({"progressive": True}, None, True, id="progressive"),
        pytest.param({}, one_component_first_scan, True, id="multi-scan"),
        pytest.param({}, lambda jpeg: jpeg[:-1000], False, id="cut off after its header"),
    ],
)
def test_which_jpegs_keep_all_their_coefficients(options, edit, keeps_all):
    buffer = io.BytesIO()
    PILImage.effect_noise((64, 48), 50).convert("RGB").save(buffer, "JPEG", **options)
    data = edit(buffer.getvalue()) if edit else buffer.getvalue()
    upload = io.BytesIO(data)
    with PILImage.open(upload) as probe:
        assert processing._jpeg_keeps_all_coefficients(probe, upload) is keeps_all


def test_a_transparent_image_is_kept_smaller_and_an_opaque_alpha_is_dropped(settings):
    settings.IMAGE_MEMORY_BUDGET_MB = 80
    clear = processing.prepare(png((1600, 1600), "RGBA", (0, 0, 0, 0)))
    assert clear.original.width == processing.max_side(transparent=True) == 1448
    opaque = processing.prepare(png((1600, 1600), "RGBA", (0, 128, 128, 255)))
    assert opaque.original.width == 1600
    assert PILImage.open(io.BytesIO(opaque.original.data)).mode == "RGB"


def test_a_16_bit_grey_png_keeps_its_greys():
    picture = PILImage.new("I;16", (64, 64), 30_000)  # 30,000 of 65,535: a mid grey
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    prepared = processing.prepare(SimpleUploadedFile("grey.png", buffer.getvalue()))
    grey = PILImage.open(io.BytesIO(prepared.original.data)).getpixel((10, 10))
    assert grey == (117, 117, 117)


def test_a_worker_processes_one_upload_at_a_time():
    """The budget is per worker; a gthread worker serves two requests at once."""
    done = threading.Event()
    with processing._one_at_a_time:
        second = threading.Thread(target=lambda: (processing.prepare(png((40, 30))), done.set()))
        second.start()
        assert not done.wait(0.5)
    assert done.wait(10)
    second.join()


@pytest.mark.parametrize(
    "kind",
    [
        "PNG, 8-bit RGB",
        "PNG, 16-bit grey",
        "WebP, RGBA",
        "GIF, animated (first frame)",
        "JPEG, CMYK",
    ],
)
def test_the_worst_allowed_image_stays_within_the_memory_budget(kind):
    """Measured in a fresh process set up like a worker (see bench/images.py)."""
    [row] = bench.run([kind])
    assert not row["outcome"].startswith("refused"), row
    assert row["added_mib"] <= row["budget_mib"], row
