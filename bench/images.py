"""What processing an upload costs a worker: the worst image allowed of each kind.

    make bench-images                  # or: .venv/bin/python -m bench.images

For each kind of image (PNG 8- and 16-bit, with and without alpha, palette; GIF;
WebP; JPEG baseline, progressive and CMYK) it finds, with the same estimate the
upload uses (images/processing.py, DecodeCost), the largest square image allowed
under IMAGE_MEMORY_BUDGET_MB that costs the most (and prints the pixel limit for
its kind), makes it, and processes it in a
fresh process set up like a gunicorn worker (Django loaded, the codecs warmed up,
gunicorn.conf.py's malloc settings). It reports the memory processing added to the
process (its peak resident size, VmHWM, minus its size before) and the time taken:
wall clock, and CPU time, which other load on the machine does not inflate. It
writes bench/results/images-latest.json.
"""

from __future__ import annotations

import io
import json
import math
import os
import struct
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coursblog.settings")
RESULTS = ROOT / "bench" / "results" / "images-latest.json"
MIB = 1024 * 1024

# name: (format, Pillow mode after opening, how to write it)
KINDS = {
    "PNG, 8-bit RGB": ("PNG", "RGB", "png"),
    "PNG, 8-bit RGBA": ("PNG", "RGBA", "png"),
    "PNG, 16-bit RGBA": ("PNG", "RGBA", "png16"),
    "PNG, 16-bit grey": ("PNG", "I;16", "png"),
    "PNG, palette": ("PNG", "P", "png"),
    "GIF, animated (first frame)": ("GIF", "P", "gif"),
    "WebP, RGBA": ("WEBP", "RGBA", "webp"),
    "JPEG, baseline 4:2:0": ("JPEG", "RGB", "jpeg"),
    "JPEG, progressive 4:4:4": ("JPEG", "RGB", "jpeg-progressive"),
    "JPEG, CMYK": ("JPEG", "CMYK", "jpeg"),
    "JPEG, CMYK progressive": ("JPEG", "CMYK", "jpeg-progressive"),
}

# Runs in a fresh process: argv[1] is the image file. Prints one JSON line.
MEASURE = r"""
import json, os, resource, runpy, sys, time
from pathlib import Path

import django
django.setup()
from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile, TemporaryUploadedFile
from images import processing

runpy.run_path("gunicorn.conf.py")["post_fork"](None, None)  # malloc as in a worker


def status(key):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) * 1024


def upload(path):
    data = Path(path).read_bytes()
    if len(data) > settings.FILE_UPLOAD_MAX_MEMORY_SIZE:  # as Django's upload handlers do
        file = TemporaryUploadedFile("upload", "application/octet-stream", len(data), None)
        file.write(data)
        file.seek(0)
        return file
    stream = __import__("io").BytesIO(data)
    return InMemoryUploadedFile(stream, "file", "upload", "application/octet-stream", len(data), None)


processing.prepare(upload(sys.argv[2]))  # warm-up: codecs and Python code loaded
before = status("VmRSS")
Path("/proc/self/clear_refs").write_text("5")  # restart the peak (VmHWM) from here
started, cpu = time.perf_counter(), time.process_time()
try:
    prepared = processing.prepare(upload(sys.argv[1]))
    outcome = f"{prepared.original.width} × {prepared.original.height}"
except processing.ImageRejected as rejected:
    outcome = f"refused: {rejected}"
seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
print(json.dumps({
    "added_mib": (status("VmHWM") - before) / 2**20,
    "seconds": seconds,
    "cpu_seconds": cpu_seconds,
    "outcome": outcome,
    "budget_mib": settings.IMAGE_MEMORY_BUDGET_MB,
}))
"""


def measure(path: Path, warm_up: Path, env: dict[str, str] | None = None) -> dict:
    """Process the image at ``path`` in a fresh process; what it added, and how long."""
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, str(path), str(warm_up)],
        cwd=ROOT,
        env={**os.environ, "DEBUG": "1", **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode:
        raise RuntimeError(result.stderr[-3000:])
    return json.loads(result.stdout.splitlines()[-1])


def cost_of(kind: str, side: int):
    """The upload's estimate (DecodeCost) for a square image of this kind."""
    from images.processing import DecodeCost

    image_format, mode, writer = KINDS[kind]
    # What make() writes: progressive JPEGs at 4:4:4, the costliest sampling.
    sampling = ((1, 1),) * len(mode) if writer == "jpeg-progressive" else ()
    return DecodeCost(image_format, mode, side, side, sampling)


def worst_side(kind: str) -> int:
    """The side of the square image of this kind that the upload allows and that costs most."""
    from django.conf import settings
    from PIL import Image

    most_pixels = settings.IMAGE_MAX_PIXELS or Image.MAX_IMAGE_PIXELS
    best, best_bytes = 0, 0
    for side in range(200, math.isqrt(most_pixels) + 1, 20):
        cost = cost_of(kind, side)
        scale = cost.scale()
        if scale is not None and cost.bytes_at(scale) > best_bytes:
            best, best_bytes = side, cost.bytes_at(scale)
    return best


def make(kind: str, side: int) -> bytes:
    """A square image of this kind: smooth enough to stay under IMAGE_MAX_BYTES."""
    from PIL import Image

    image_format, mode, writer = KINDS[kind]
    if writer == "png16":
        return png16_rgba(side)
    gradient = Image.linear_gradient("L").resize((side, side))
    across = gradient.transpose(Image.Transpose.ROTATE_90)
    if mode in ("RGB", "RGBA", "CMYK"):
        bands = [gradient, across, Image.new("L", (side, side), 120), gradient][: len(mode)]
        picture = Image.merge(mode, bands)
    elif mode == "I;16":
        picture = gradient.convert("I").point(lambda value: value * 256).convert("I;16")
    else:  # the grey levels as palette entries
        picture = Image.frombytes("P", gradient.size, gradient.point(lambda v: v & 0xF0).tobytes())
        picture.putpalette(bytes(value for level in range(256) for value in (level, 64, 128)))
    buffer = io.BytesIO()
    if writer == "gif":
        second = picture.transpose(Image.Transpose.ROTATE_90)
        picture.save(buffer, "GIF", save_all=True, append_images=[second], duration=100)
    elif writer == "webp":
        picture.save(buffer, "WEBP", lossless=True, quality=0, method=0)
    elif writer == "jpeg-progressive":
        picture.save(buffer, "JPEG", quality=80, progressive=True, subsampling=0)
    elif writer == "jpeg":
        picture.save(buffer, "JPEG", quality=80)
    else:
        picture.save(buffer, image_format)
    return buffer.getvalue()


def png16_rgba(side: int) -> bytes:
    """A 16-bit RGBA PNG (Pillow cannot write one): a gradient across, every row alike."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)

    row = b"\x00" + b"".join(
        struct.pack(">HHHH", x * 65535 // side, 30000, 65535 - x * 65535 // side, 50000)
        for x in range(side)
    )
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    header = struct.pack(">IIBBBBB", side, side, 16, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def run(kinds=None, env: dict[str, str] | None = None) -> list[dict]:
    """Measure the worst allowed image of each kind (all kinds by default)."""
    import django

    os.environ.update(env or {})
    os.environ.setdefault("DEBUG", "1")
    django.setup()
    rows = []
    with tempfile.TemporaryDirectory() as directory:
        for kind in kinds or KINDS:
            side = worst_side(kind)
            path = Path(directory) / f"{len(rows)}"
            path.write_bytes(make(kind, side))
            warm_up = Path(directory) / f"{len(rows)}-small"
            warm_up.write_bytes(make(kind, 64))
            figures = measure(path, warm_up, env)
            rows.append(
                {
                    "kind": kind,
                    "limit_megapixels": cost_of(kind, side).pixel_limit() / 1e6,
                    "side": side,
                    "file_mib": path.stat().st_size / MIB,
                    **figures,
                }
            )
    return rows


def main() -> int:
    rows = run()
    budget = rows[0]["budget_mib"]
    print(f"Worst allowed image of each kind, IMAGE_MEMORY_BUDGET_MB={budget}:")
    print(
        f"{'kind':<30} {'limit':>6} {'worst allowed':>13} {'file':>8} {'added':>10}"
        f" {'time':>7} {'CPU':>6}  result"
    )
    for row in rows:
        print(
            f"{row['kind']:<30} {row['limit_megapixels']:>4.0f} M {row['side']:>6} × {row['side']:<5}"
            f" {row['file_mib']:>6.2f} M {row['added_mib']:>6.1f} MiB {row['seconds']:>6.2f}s"
            f" {row['cpu_seconds']:>5.2f}s  {row['outcome']}"
        )
    worst = max(rows, key=lambda row: row["added_mib"])
    print(f"worst: {worst['kind']}, {worst['added_mib']:.1f} MiB of {budget} MiB")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(rows, indent=2))
    return 0 if worst["added_mib"] <= budget else 1


if __name__ == "__main__":
    sys.exit(main())
