"""Turning an uploaded file into images we are willing to store and serve.

Every upload is checked (a real JPEG, PNG, WebP or GIF; at most IMAGE_MAX_BYTES; at
most 20 times as long as it is wide; not truncated), decoded only when its header
shows that decoding fits the memory budget, turned upright by its EXIF orientation,
stripped of all metadata (GPS above all) by copying only its pixels, capped at 2,400 px
on its long side, and given responsive renditions (WebP and JPEG) once, at upload.

Memory: what decoding takes is known from the header (width × height × the bytes
Pillow keeps per pixel, more for WebP and for progressive JPEG), so an image is
refused before it is decoded when that and the 2,400 px result would not fit
IMAGE_MEMORY_BUDGET_MB. JPEGs decode at ½, ¼ or ⅛ size where that still gives
2,400 px (libjpeg scales while decoding), or smaller when the budget needs it. Past
the decode, every conversion and resize works on strips of a few hundred thousand
pixels, so no second full-size copy is ever made. One upload at a time per process:
the budget is what one worker may add, whatever its threads do.
"""

from __future__ import annotations

import dataclasses
import io
import math
import threading
import warnings

from django.conf import settings
from PIL import ExifTags, UnidentifiedImageError
from PIL import Image as PILImage

MAX_SIDE = 2400
RENDITION_WIDTHS = (480, 960, 1600)
# A picture longer than this times its width (or the reverse) is a strip no page can show.
MAX_ASPECT_RATIO = 20
ACCEPTED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "png"}
MB = 1024 * 1024

# Bytes a decoded pixel takes in Pillow, by mode (everything else: 4).
PIXEL_BYTES = {"1": 1, "L": 1, "P": 1, "I;16": 2, "I;16B": 2, "I;16L": 2}
# Pillow decodes WebP through libwebp's animation decoder: its canvas, the previous
# frame's, the frame as bytes and the image make four copies (measured: 16 bytes a pixel).
WEBP_COPIES = 4
# The JPEG scales libjpeg decodes at: 1/1, 1/2, 1/4, 1/8.
JPEG_SCALES = (1, 2, 4, 8)
# Source pixels converted and resampled at once: each strip's copies stay a few MB.
STRIP_PIXELS = 1 << 19
# What Pillow, libjpeg and the strips take beside the decoded image and the result
# (measured with bench/images.py, with room to spare).
WORKING_BYTES = 12 * MB
# Bytes each pixel of the result takes while it is encoded, beside the result itself
# (4): libwebp's lossy encoder needs about 6 (measured), and 30 for a picture with
# transparency, whose alpha plane it compresses losslessly (measured up to 28).
ENCODE_BYTES = {False: 6, True: 30}
# Why one lock: the budget is per worker, and a gthread worker serves two requests at once.
_one_at_a_time = threading.Lock()
# EXIF orientation → the transposition that undoes it (as ImageOps.exif_transpose).
UPRIGHT = {
    2: PILImage.Transpose.FLIP_LEFT_RIGHT,
    3: PILImage.Transpose.ROTATE_180,
    4: PILImage.Transpose.FLIP_TOP_BOTTOM,
    5: PILImage.Transpose.TRANSPOSE,
    6: PILImage.Transpose.ROTATE_270,
    7: PILImage.Transpose.TRANSVERSE,
    8: PILImage.Transpose.ROTATE_90,
}


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
    return f"{size / MB:.1f} MB"


def too_many_bytes(what: str) -> str:
    """Why an upload of ``what`` (its size, in words) is refused."""
    return (
        f"{what}; images can be at most {megabytes(settings.IMAGE_MAX_BYTES)}. "
        "Save it smaller and upload it again."
    )


def memory_budget() -> int:
    """What processing one upload may add to a worker's memory, in bytes."""
    return settings.IMAGE_MEMORY_BUDGET_MB * MB


def prepare(upload) -> PreparedImage:
    """Check an uploaded file and make the files to store. Raises ImageRejected."""
    if upload.size > settings.IMAGE_MAX_BYTES:
        raise ImageRejected(too_many_bytes(f"This file is {megabytes(upload.size)}"))
    with _one_at_a_time:
        # `picture` is rebound at every step, so that each larger image is let go as
        # soon as the next one is made: the decoded upload first.
        picture, image_format, orientation = _decode(upload)
        transparent = _is_transparent(picture)
        size = fitted(picture.size, max_side(transparent))
        picture = _resampled(picture, size, "RGBA" if transparent else "RGB")
        if orientation in UPRIGHT:
            picture = picture.transpose(UPRIGHT[orientation])
        extension = ACCEPTED_FORMATS[image_format]
        original = _encode(picture, extension)
        renditions = {
            (picture.width, kind): original if kind == extension else _encode(picture, kind)
            for kind in ("webp", "jpg")
        }
        full_width, full_height = picture.size
        for width in sorted(RENDITION_WIDTHS, reverse=True):  # each from the next larger
            if width < full_width:
                size = (width, max(1, round(full_height * width / full_width)))
                picture = _resampled(picture, size, picture.mode)
                renditions[(width, "webp")] = _encode(picture, "webp")
                renditions[(width, "jpg")] = _encode(picture, "jpg")
    return PreparedImage(original=original, renditions=renditions)


def prepare_square(upload, sides: tuple[int, ...]) -> dict[int, Encoded]:
    """Check an uploaded file like ``prepare`` and make its centre square at each of
    ``sides`` px, as WebP (a profile picture, say). Raises ImageRejected.

    The picture is first resampled (a strip at a time) until its short side is the
    largest of ``sides``; only that small image is cropped, so no full-size copy is made.
    """
    if upload.size > settings.IMAGE_MAX_BYTES:
        raise ImageRejected(too_many_bytes(f"This file is {megabytes(upload.size)}"))
    largest = max(sides)
    with _one_at_a_time:
        picture, _format, orientation = _decode(upload)
        mode = "RGBA" if _is_transparent(picture) else "RGB"
        width, height = picture.size
        short = min(width, height)
        size = (
            max(largest, round(width * largest / short)),
            max(largest, round(height * largest / short)),
        )
        picture = _resampled(picture, size, mode)
        left, top = (picture.width - largest) // 2, (picture.height - largest) // 2
        picture = picture.crop((left, top, left + largest, top + largest))
        if orientation in UPRIGHT:
            picture = picture.transpose(UPRIGHT[orientation])
        squares = {}
        for side in sorted(sides, reverse=True):  # each from the next larger
            if side != picture.width:
                picture = _resampled(picture, (side, side), mode)
            squares[side] = _encode(picture, "webp")
    return squares


def max_side(transparent: bool) -> int:
    """The longest side a stored image may have: MAX_SIDE, unless encoding one that
    big (with transparency, say) would not fit the memory budget."""
    room = memory_budget() - WORKING_BYTES
    return max(1, min(MAX_SIDE, math.isqrt(max(0, room) // (4 + ENCODE_BYTES[transparent]))))


def _is_transparent(picture: PILImage.Image) -> bool:
    if not picture.has_transparency_data:
        return False
    if picture.mode.endswith("A"):  # an alpha band, which may well be all opaque
        return picture.getextrema()[-1][0] < 255
    return True  # a transparent palette entry or colour


def fitted(size: tuple[int, int], side: int) -> tuple[int, int]:
    """``size`` made to fit a ``side`` square, keeping its shape; never below 1 px."""
    width, height = size
    if max(size) <= side:
        return size
    if width >= height:
        return side, max(1, round(height * side / width))
    return max(1, round(width * side / height)), side


@dataclasses.dataclass(frozen=True)
class DecodeCost:
    """What decoding an image takes, known from its header alone."""

    format: str
    mode: str
    width: int
    height: int
    # Progressive or multi-scan JPEG: libjpeg keeps every DCT coefficient of the
    # whole image (2 bytes each) whatever the scale: these are the components'
    # sampling factors, (h, v) each.
    coefficient_sampling: tuple[tuple[int, int], ...] = ()
    # Pillow reads a WebP file whole before decoding it.
    file_bytes: int = 0

    def scales(self) -> tuple[int, ...]:
        return JPEG_SCALES if self.format == "JPEG" else (1,)

    def decoded_size(self, scale: int) -> tuple[int, int]:
        return -(-self.width // scale), -(-self.height // scale)

    def bytes_at(self, scale: int) -> int:
        """Memory to decode at ``scale`` and make the result: the peak of processing."""
        width, height = self.decoded_size(scale)
        decoded = width * height * PIXEL_BYTES.get(self.mode, 4)
        if self.format == "WEBP":
            decoded = decoded * WEBP_COPIES + self.file_bytes
        h_max = max((h for h, _ in self.coefficient_sampling), default=1)
        v_max = max((v for _, v in self.coefficient_sampling), default=1)
        coefficients = sum(
            math.ceil(self.width * h / h_max / 8) * math.ceil(self.height * v / v_max / 8) * 128
            for h, v in self.coefficient_sampling
        )
        result_width, result_height = fitted((width, height), MAX_SIDE)
        return decoded + coefficients + result_width * result_height * 4 + WORKING_BYTES

    def scale(self) -> int | None:
        """The JPEG scale to decode at (1 for other formats), or None if none fits.

        The smallest decode that still gives MAX_SIDE px; where the budget needs it,
        a smaller one, but never one short of the largest rendition: then the
        upload is refused instead.
        """
        longest = max(self.width, self.height)
        sides = {scale: max(self.decoded_size(scale)) for scale in self.scales()}
        sharp = max(scale for scale, side in sides.items() if side >= min(longest, MAX_SIDE))
        least = min(longest, RENDITION_WIDTHS[-1])
        for scale, side in sides.items():
            if scale >= sharp and side >= least and self.fits(scale):
                return scale
        return None

    def fits(self, scale: int) -> bool:
        return self.bytes_at(scale) <= memory_budget()

    def pixel_limit(self) -> int:
        """The most pixels an image like this one (format, mode, shape) may have."""
        low, high = 0, 1 << 34
        while low < high:
            pixels = (low + high + 1) // 2
            ratio = math.sqrt(pixels / (self.width * self.height))
            alike = dataclasses.replace(
                self, width=max(1, int(self.width * ratio)), height=max(1, int(self.height * ratio))
            )
            low, high = (pixels, high) if alike.scale() is not None else (low, pixels - 1)
        return min(low, settings.IMAGE_MAX_PIXELS or low, PILImage.MAX_IMAGE_PIXELS or low)


def _decode(upload) -> tuple[PILImage.Image, str, int]:
    """The upload's first frame, decoded within the budget; its format and orientation."""
    not_an_image = ImageRejected(
        "This file is not an image we can read. Upload a JPEG, PNG, WebP or GIF."
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", PILImage.DecompressionBombWarning)
        try:
            upload.seek(0)
            with PILImage.open(upload) as probe:
                if probe.format not in ACCEPTED_FORMATS:
                    raise not_an_image
                _check_shape(probe.size)
                _check_pixels(probe.size)
                cost = _decode_cost(probe, upload)
                scale = cost.scale()
                if scale is None:
                    name = "WebP" if probe.format == "WEBP" else probe.format
                    raise ImageRejected(
                        f"This image is {probe.width} × {probe.height} pixels; {name} images "
                        f"like it can have at most {cost.pixel_limit() / 1e6:.0f} million "
                        "pixels here. Save it smaller (2,400 pixels on its long side is "
                        "plenty) and upload it again."
                    )
                probe.verify()
            upload.seek(0)
            picture = PILImage.open(upload)
            picture.seek(0)  # a GIF's or WebP's first frame
            if scale > 1:
                picture.draft(None, cost.decoded_size(scale))
            picture.load()
            orientation = picture.getexif().get(ExifTags.Base.Orientation, 1)
        except ImageRejected:
            raise
        except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning) as bomb:
            raise ImageRejected(
                "This image has too many pixels to open safely: images can have at most "
                f"{PILImage.MAX_IMAGE_PIXELS // 1_000_000} million pixels."
            ) from bomb
        except UnidentifiedImageError as error:
            raise not_an_image from error
        except (OSError, SyntaxError, ValueError, EOFError) as error:
            if "truncated" in str(error).lower():
                raise ImageRejected(
                    "This image file is incomplete (it was cut off). Upload it again."
                ) from error
            raise not_an_image from error
    return picture, cost.format, orientation


def _check_shape(size: tuple[int, int]) -> None:
    width, height = size
    if max(width, height) > MAX_ASPECT_RATIO * min(width, height):
        raise ImageRejected(
            f"This image is {width} × {height} pixels: too long and thin to show on a page "
            f"(one side can be at most {MAX_ASPECT_RATIO} times the other). Crop it and "
            "upload it again."
        )


def _check_pixels(size: tuple[int, int]) -> None:
    """IMAGE_MAX_PIXELS, when set, caps every image; the budget may allow fewer."""
    width, height = size
    if settings.IMAGE_MAX_PIXELS and width * height > settings.IMAGE_MAX_PIXELS:
        raise ImageRejected(
            f"This image is {width} × {height} pixels; images can have at most "
            f"{settings.IMAGE_MAX_PIXELS / 1e6:.0f} million pixels. Save it smaller "
            "and upload it again."
        )


def _decode_cost(probe: PILImage.Image, upload) -> DecodeCost:
    sampling = ()
    if probe.format == "JPEG" and _jpeg_keeps_all_coefficients(probe, upload):
        sampling = tuple((h, v) for _id, h, v, _table in probe.layer)
    return DecodeCost(probe.format, probe.mode, probe.width, probe.height, sampling, upload.size)


def _jpeg_keeps_all_coefficients(probe: PILImage.Image, upload) -> bool:
    """Whether libjpeg will hold the whole image's coefficients: progressive, or its
    first scan carries fewer components than the image (a multi-scan JPEG)."""
    if probe.info.get("progressive"):
        return True
    position = upload.tell()
    try:
        return _first_scan_components(upload) < len(probe.layer)
    finally:
        upload.seek(position)


def _first_scan_components(upload) -> int:
    """How many components the JPEG's first scan carries (0 if it cannot be read)."""
    upload.seek(2)  # past the start-of-image marker
    while True:
        marker = upload.read(2)
        while marker[:1] == b"\xff" and marker[1:] == b"\xff":  # fill bytes
            marker = b"\xff" + upload.read(1)
        if len(marker) < 2 or marker[0] != 0xFF:
            return 0
        length = int.from_bytes(upload.read(2), "big")
        if marker[1] == 0xDA:  # start of scan: its component count comes first
            count = upload.read(1)
            return count[0] if count else 0
        if length < 2:
            return 0
        upload.seek(length - 2, io.SEEK_CUR)


def _resampled(source: PILImage.Image, size: tuple[int, int], mode: str) -> PILImage.Image:
    """``source`` in ``mode`` at ``size``, made a strip at a time into a new image.

    A strip at a time, so that no full-size copy of the source is made (by converting
    it, by Pillow's intermediate image when resizing, or by premultiplying its alpha);
    Lanczos reads past a strip's edges, so the strips overlap and leave no seam. The
    new image holds pixels only: no EXIF, GPS, ICC profile or comment comes along.
    """
    result = PILImage.new(mode, size)
    resizing = size != source.size
    scale = source.height / size[1]
    margin = math.ceil(3 * max(scale, 1)) + 1 if resizing else 0
    rows = max(1, int(STRIP_PIXELS / (source.width * max(scale, 1))))
    for top in range(0, size[1], rows):
        bottom = min(top + rows, size[1])
        first, last = top * scale, bottom * scale
        crop_top = max(0, math.floor(first) - margin)
        crop_bottom = min(source.height, math.ceil(last) + margin)
        strip = _converted(source.crop((0, crop_top, source.width, crop_bottom)), mode)
        if resizing:
            strip = strip.resize(
                (size[0], bottom - top),
                PILImage.Resampling.LANCZOS,
                box=(0, first - crop_top, source.width, last - crop_top),
            )
        result.paste(strip, (0, top))
    return result


def _converted(strip: PILImage.Image, mode: str) -> PILImage.Image:
    if strip.mode.startswith("I"):  # 16-bit greys: keep the top 8 bits, not clip at 255
        strip = strip.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    return strip if strip.mode == mode else strip.convert(mode)


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
