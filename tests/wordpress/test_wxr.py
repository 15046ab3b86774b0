"""Reading WXR files: every version, safely, and refusing broken ones with the line."""

import time

import pytest

from tests.wordpress.conftest import fixture
from wordpress import wxr


def records(path):
    return list(wxr.read(str(path)))


def test_the_channel_comes_first_with_its_authors_and_terms():
    channel, item = records(fixture("threads.xml"))
    assert channel.site == "hist212.example.edu"
    assert channel.wxr_version == "1.2"
    assert [a.login for a in channel.authors] == ["anderson"]
    assert channel.authors[0].author_id == "2"
    assert [(t.taxonomy, t.slug, t.name) for t in channel.terms] == [
        ("category", "cold-war", "Cold War"),
        ("post_tag", "china", "China"),
    ]
    assert item.post_id == "123"
    assert item.title == "The Sino-Soviet Split"
    assert [c.comment_id for c in item.comments] == [
        "460",
        "470",
        "480",
        "490",
        "491",
        "492",
        "493",
        "494",
    ]
    assert item.comments[6].meta == {"_wp_trash_meta_status": "1"}


def test_wxr_1_0_reads_by_local_names_whatever_the_namespace_address():
    channel, first, second = records(fixture("wxr-1.0.xml"))
    assert channel.wxr_version == "1.0"
    assert channel.authors == []
    assert first.creator == "prof"
    assert first.content == "Welcome to the course."
    # Only categories with a nicename count, as WordPress's importer reads them.
    assert [(t.taxonomy, t.slug) for t in first.terms] == [("category", "reading-notes")]
    assert second.date_gmt == "2008-09-16 13:00:00"


@pytest.mark.parametrize(
    ("name", "line", "words"),
    [
        ("truncated.xml", 48, "not well-formed"),
        ("malformed.xml", 41, "not well-formed"),
        ("not-wxr.xml", 3, "no WXR version"),
    ],
)
def test_a_broken_file_is_refused_with_its_line(name, line, words):
    with pytest.raises(wxr.WxrError) as refused:
        records(fixture(name))
    assert refused.value.line == line
    assert words in refused.value.message


@pytest.mark.parametrize("name", ["entity-bomb.xml", "external-entity.xml"])
def test_a_document_type_is_refused_quickly_before_any_entity_is_expanded(name):
    started = time.monotonic()
    with pytest.raises(wxr.WxrError) as refused:
        records(fixture(name))
    assert time.monotonic() - started < 1
    assert "document type" in refused.value.message
    assert "root:" not in str(refused.value)  # /etc/passwd was never read


def test_dates_come_from_the_gmt_field_or_the_local_date_less_the_offset():
    five_hours = wxr.timedelta(hours=-5)
    assert wxr.utc("2018-11-05 09:03:00", "2018-11-05 14:03:00", five_hours).isoformat() == (
        "2018-11-05T14:03:00+00:00"
    )
    assert wxr.utc("2018-11-05 09:03:00", "0000-00-00 00:00:00", five_hours).isoformat() == (
        "2018-11-05T14:03:00+00:00"
    )
    assert wxr.utc("", "", five_hours) is None
