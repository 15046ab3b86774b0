"""`load_bench_thread`: a benchmark thread loaded through the real write path."""

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from comments.models import Comment
from posts.models import Post

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


def test_an_unreadable_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("load_bench_thread", str(tmp_path / "missing.json"))
