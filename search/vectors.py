"""PostgreSQL's full-text documents: one tsvector expression per searchable table.

The migration indexes each expression (a GIN index), and searches filter on the very
same expression, which is how PostgreSQL knows to use the index: change one here and
add a migration that indexes the new one (tests/search/test_postgres.py checks that
the plan uses the index). Post bodies are sanitised HTML: PostgreSQL's parser knows
tags and entities and the 'english' configuration leaves them out of the document.
"""

from __future__ import annotations

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector

CONFIG = "english"

DOCUMENTS = {
    "post": SearchVector("title", weight="A", config=CONFIG)
    + SearchVector("body", weight="B", config=CONFIG),
    "comment": SearchVector("body", config=CONFIG),
    "source": SearchVector("title", weight="A", config=CONFIG)
    + SearchVector("authors", weight="B", config=CONFIG)
    + SearchVector("container", weight="C", config=CONFIG),
}

INDEX_NAMES = {kind: f"search_{kind}_idx" for kind in DOCUMENTS}


def index(kind: str) -> GinIndex:
    return GinIndex(DOCUMENTS[kind], name=INDEX_NAMES[kind])
