"""What a page costs to download: its HTML and the stylesheets and scripts it links.

    .venv/bin/python -m bench.page_weight [path ...]   # default: the demo post page

Builds the demo (load_demo) in a fresh SQLite database under var/, fetches each page
as a guest with Django's test client and adds the bytes of every <link rel=stylesheet>
and <script src> it names, read from the static files. Prints raw and gzip sizes.
"""

from __future__ import annotations

import gzip
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATABASE = ROOT / "var" / "bench-page-weight.sqlite3"


def main(paths: list[str]) -> None:
    DATABASE.parent.mkdir(exist_ok=True)
    DATABASE.unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{DATABASE}"
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coursblog.settings")
    import django

    django.setup()
    from django.contrib.staticfiles import finders
    from django.core.management import call_command
    from django.test import Client

    from posts.models import Post

    call_command("migrate", verbosity=0)
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    paths = paths or [Post.objects.get().get_absolute_url()]
    for path in paths:
        html = Client().get(path).content
        assets = re.findall(rb'<link rel="stylesheet" href="([^"]+)"|<script src="([^"]+)"', html)
        total = [("html", html)]
        for link, script in assets:
            url = (link or script).decode().split("?")[0]
            name = url.removeprefix("/static/")
            found = finders.find(name)
            if found:
                total.append((name, Path(found).read_bytes()))
        print(path)
        for name, data in total:
            print(f"  {name:32} {len(data):8,} B  {len(gzip.compress(data)):7,} B gzip")
        raw = sum(len(data) for _, data in total)
        packed = sum(len(gzip.compress(data)) for _, data in total)
        print(f"  {'total':32} {raw:8,} B  {packed:7,} B gzip")


if __name__ == "__main__":
    main(sys.argv[1:])
