"""What a page costs to download: its HTML and the stylesheets and scripts it links.

    .venv/bin/python -m bench.page_weight [--as USERNAME] [path ...]
    # default: the demo post page, as a guest

Builds the demo (load_demo) in a fresh SQLite database under var/, fetches each page
with Django's test client (as a guest, or logged in as a demo account with ``--as``)
and adds the bytes of every <link rel=stylesheet>, <script src> and <img src> it names:
static files read from disk, anything else (a picture, the admin's translations) fetched.
Prints raw and gzip sizes.
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


def main(paths: list[str], username: str = "") -> None:
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

    from accounts.models import User
    from posts.models import Post

    call_command("migrate", verbosity=0)
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    paths = paths or [Post.objects.get().get_absolute_url()]
    client = Client()
    if username:
        client.force_login(User.objects.get(username=username))
    for path in paths:
        html = client.get(path).content
        assets = re.findall(
            rb'<link rel="stylesheet" href="([^"]+)"|<script src="([^"]+)"|<img[^>]* src="([^"]+)"',
            html,
        )
        total = [("html", html)]
        for link, script, image in assets:
            url = (link or script or image).decode().replace("&amp;", "&")
            found = url.startswith("/static/") and finders.find(
                url.split("?")[0].removeprefix("/static/")
            )
            if found:
                total.append((url.split("?")[0], Path(found).read_bytes()))
            elif url.startswith("/"):
                response = client.get(url)
                body = b"".join(response) if response.streaming else response.content
                total.append((url, body))
        print(path)
        for name, data in total:
            print(f"  {name:32} {len(data):8,} B  {len(gzip.compress(data)):7,} B gzip")
        raw = sum(len(data) for _, data in total)
        packed = sum(len(gzip.compress(data)) for _, data in total)
        print(f"  {'total':32} {raw:8,} B  {packed:7,} B gzip")


if __name__ == "__main__":
    arguments = sys.argv[1:]
    user = ""
    if arguments[:1] == ["--as"]:
        user, arguments = arguments[1], arguments[2:]
    main(arguments, user)
