"""Turning an uploaded file into images we are willing to store and serve.

Every upload is checked (a real JPEG, PNG, WebP or GIF; at most 10 MB and 40
megapixels; not truncated), turned upright by its EXIF orientation, stripped of
all metadata (GPS above all) by copying only its pixels, capped at 2,400 px on
its long side, and given responsive renditions (WebP and JPEG) once, at upload.
"""

from __future__ import annotations

import dataclasses
import io
import warnings

from django.conf import settings
from PIL import Image as PILImage
from PIL import ImageOps, UnidentifiedImageError

MAX_PIXELS = 40_000_000
MAX_SIDE = 2400
RENDITION_WIDTHS = (480, 960, 1600)
ACCEPTED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "png"}


class ImageRejected(ValueError):
    """The upload is not an image we accept; the message says why, for the uploader."""


@dataclasses.dataclass(frozen=True)
class Encoded:
    data: bytes
    extension: str
    width: int
    height: int


@dataclasses.dataclass(frozen=True)
class PreparedImage:
    original: Encoded
    renditions: dict[tuple[int, str], Encoded]  # (width, "webp" | "jpg") -> file


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def too_many_bytes(what: str) -> str:
    """Why an upload of ``what`` (its size, in words) is refused."""
    return (
        f"{what}; images can be at most {megabytes(settings.IMAGE_MAX_BYTES)}. "
        "Save it smaller and upload it again."
    )


def prepare(upload) -> PreparedImage:
    """Check an uploaded file and make the files to store. Raises ImageRejected."""
    if upload.size > settings.IMAGE_MAX_BYTES:
        raise ImageRejected(too_many_bytes(f"This file is {megabytes(upload.size)}"))
    data = upload.read()
    picture = _open(data)
    picture = _clean_pixels(picture)
    picture.thumbnail((MAX_SIDE, MAX_SIDE), PILImage.Resampling.LANCZOS)
    original = _encode(picture, ACCEPTED_FORMATS[_format_of(data)])
    renditions = {}
    for width in RENDITION_WIDTHS:
        if width >= picture.width:
            continue
        height = round(picture.height * width / picture.width)
        smaller = picture.resize((width, height), PILImage.Resampling.LANCZOS)
        renditions[(width, "webp")] = _encode(smaller, "webp")
        renditions[(width, "jpg")] = _encode(smaller, "jpg")
    renditions[(picture.width, "webp")] = _encode(picture, "webp")
    renditions[(picture.width, "jpg")] = _encode(picture, "jpg")
    return PreparedImage(original=original, renditions=renditions)


def _format_of(data: bytes) -> str:
    with PILImage.open(io.BytesIO(data)) as probe:
        return probe.format


def _open(data: bytes) -> PILImage.Image:
    not_an_image = ImageRejected(
        "This file is not an image we can read. Upload a JPEG, PNG, WebP or GIF."
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", PILImage.DecompressionBombWarning)
        try:
            with PILImage.open(io.BytesIO(data)) as probe:
                if probe.format not in ACCEPTED_FORMATS:
                    raise not_an_image
                if probe.width * probe.height > MAX_PIXELS:
                    raise ImageRejected(
                        f"This image is {probe.width} × {probe.height} pixels; images can have "
                        f"at most {MAX_PIXELS // 1_000_000} million pixels."
                    )
                probe.verify()
            picture = PILImage.open(io.BytesIO(data))
            picture.seek(0)  # a GIF's first frame
            picture.load()
        except ImageRejected:
            raise
        except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning) as bomb:
            raise ImageRejected(
                "This image has too many pixels to open safely: images can have at most "
                f"{MAX_PIXELS // 1_000_000} million pixels."
            ) from bomb
        except UnidentifiedImageError as error:
            raise not_an_image from error
        except (OSError, SyntaxError, ValueError, EOFError) as error:
            if "truncated" in str(error).lower():
                raise ImageRejected(
                    "This image file is incomplete (it was cut off). Upload it again."
                ) from error
            raise not_an_image from error
    return picture


def _clean_pixels(picture: PILImage.Image) -> PILImage.Image:
    """Upright pixels and nothing else: no EXIF, no GPS, no comments, no ICC profile."""
    upright = ImageOps.exif_transpose(picture)
    mode = "RGBA" if upright.mode in ("RGBA", "LA", "P", "PA") else "RGB"
    upright = upright.convert(mode)
    clean = PILImage.new(mode, upright.size)
    clean.paste(upright)
    return clean


def _encode(picture: PILImage.Image, extension: str) -> Encoded:
    buffer = io.BytesIO()
    if extension == "jpg":
        flat = picture
        if picture.mode == "RGBA":
            flat = PILImage.new("RGB", picture.size, "white")
            flat.paste(picture, mask=picture.getchannel("A"))
        flat.save(buffer, "JPEG", quality=82, optimize=True, progressive=True)
    elif extension == "webp":
        picture.save(buffer, "WEBP", quality=80, method=4)
    else:
        picture.save(buffer, "PNG", optimize=True)
    return Encoded(buffer.getvalue(), extension, picture.width, picture.height)
