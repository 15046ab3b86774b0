"""`load_bench_thread`: a benchmark thread loaded through the real write path."""

import json
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from comments.models import Comment
from posts.models import Post
from tests.factories import make_comment

SHARED_BENCH = Path(__file__).resolve().parents[2] / "shared" / "bench"
THREAD_100 = SHARED_BENCH / "thread-100.json"

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not THREAD_100.exists(), reason=f"benchmark threads not found at {SHARED_BENCH}"
    ),
]


def test_the_thread_loads_once_with_its_shape(capsys):
    call_command("load_bench_thread", str(THREAD_100))
    call_command("load_bench_thread", str(THREAD_100))
    urls = capsys.readouterr().out.split()

    data = json.loads(THREAD_100.read_text())
    post = Post.objects.get()
    assert urls == [post.get_absolute_url()] * 2
    assert post.comments.count() == len(data["comments"])
    assert Comment.objects.tree_problems() == []
    levels = sorted(post.comments.values_list("level", flat=True))
    assert levels == sorted(item["depth"] for item in data["comments"])
    assert not post.comments.exclude(status=Comment.Status.APPROVED).exists()


def test_a_thread_grown_since_it_was_loaded_is_loaded_afresh(capsys):
    call_command("load_bench_thread", str(THREAD_100))
    make_comment(Post.objects.get(), body="Benchmark reply")  # what bench/run.py's writes add

    call_command("load_bench_thread", str(THREAD_100))

    post = Post.objects.get()
    assert post.comments.count() == len(json.loads(THREAD_100.read_text())["comments"])
    assert not post.comments.filter(body="Benchmark reply").exists()
    assert Comment.objects.tree_problems() == []


def test_an_unreadable_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("load_bench_thread", str(tmp_path / "missing.json"))


THREAD_1000 = SHARED_BENCH / "thread-1000.json"


@pytest.mark.skipif(not THREAD_1000.exists(), reason=f"{THREAD_1000} not found")
@pytest.mark.parametrize("order", ["oldest", "newest"])
def test_a_thousand_comments_page_by_fifty_threads_and_deep_permalinks_land(client, order):
    from comments.models import DiscussionSettings
    from coursblog.management.commands.load_bench_thread import load_thread

    rules = DiscussionSettings.load()
    rules.order = order
    rules.save()
    post = load_thread(json.loads(THREAD_1000.read_text()), slug="thread-1000")
    pages = -(-post.comments.filter(parent=None).count() // 50)
    assert pages == 8

    full_page = client.get(post.get_absolute_url(), {"cpage": 2}).content.decode()
    assert len(re.findall(r'class="comment depth-1[ "]', full_page)) == 50
    assert "1000 thoughts on" in full_page

    # Both depth-9 replies sit in the second and ninth threads: on the first page with
    # the oldest threads first, on the last page with the newest first. Readers land
    # on the page of the newest threads, which is the last page, or the first.
    expected_page = 1 if order == "oldest" else pages
    landing_page = pages if order == "oldest" else 1
    for deep in post.comments.filter(level=9):
        url = deep.get_absolute_url()
        if expected_page == landing_page:
            assert "cpage" not in url
        else:
            assert f"?cpage={expected_page}#comment-{deep.pk}" in url
        landing = client.get(url).content.decode()
        assert f'<li id="comment-{deep.pk}" class="comment depth-10' in landing
        assert f'<span aria-current="page">Page {expected_page}</span>' in landing
