"""A search is words and "quoted phrases"; nothing a reader types is an operator."""

import pytest

from search.query import MAX_LENGTH, MAX_TERMS, parse


@pytest.mark.parametrize(
    ("typed", "terms"),
    [
        ("Stalin Mao", (("stalin",), ("mao",))),
        ('"Sino-Soviet treaty" 1950', (("sino", "soviet", "treaty"), ("1950",))),
        ('"left open', (("left", "open"),)),
        ("mao NEAR stalin", (("mao",), ("near",), ("stalin",))),
        ("mao* -stalin OR (lenin)", (("mao",), ("stalin",), ("or",), ("lenin",))),
        ("mao mao MAO", (("mao",),)),
        ("  Москва \t  ", (("москва",),)),
    ],
)
def test_words_and_phrases_are_all_a_search_has(typed, terms):
    assert parse(typed).terms == terms
    assert parse(typed).searchable


@pytest.mark.parametrize("typed", [None, "", "   ", "\x00\x01"])
def test_an_empty_search_searches_nothing_and_says_nothing_wrong(typed):
    query = parse(typed)
    assert not query.searchable
    assert query.problem == ""


@pytest.mark.parametrize("typed", ['"', "*", "-", '"" * - ()', "^:"])
def test_punctuation_alone_is_explained(typed):
    query = parse(typed)
    assert not query.searchable
    assert "only punctuation" in query.problem


def test_a_search_too_long_is_refused_not_cut():
    query = parse("word " * MAX_LENGTH)
    assert not query.searchable
    assert f"at most {MAX_LENGTH} characters" in query.problem


def test_too_many_words_are_refused():
    query = parse(" ".join(f"w{n}" for n in range(MAX_TERMS + 1)))
    assert not query.searchable
    assert f"at most {MAX_TERMS}" in query.problem


def test_each_term_reaches_the_database_quoted():
    query = parse('near "a b" c*')
    assert query.fts5() == '"near" "a b" "c"'
    assert query.websearch() == '"near" "a b" "c"'


def test_control_characters_are_not_kept():
    assert parse("mao\x02\x03stalin").text == "mao stalin"
