"""Figures the documentation states, each in one place: the tests that pin them use these
constants, and tests/test_documentation.py checks that the documentation says the same.

Each count is what a post page costs in queries, counting the read of the discussion
settings, which a process makes at most every DISCUSSION_SETTINGS_SECONDS (the tests
reread them every time). When a count changes, change it here: the documentation
test then names the sentence that must change with it.
"""

# An anonymous reader, nothing cached: the settings, the post's versions (for the page
# cache), the post, its Works Cited, the page's thread ids, its comments, and the
# approved count for the heading.
POST_PAGE_QUERIES_COLD = 7
# The same with the whole discussion on one page: no page to work out.
POST_PAGE_QUERIES_COLD_ONE_PAGE = 6
# An anonymous reader of a page the process keeps: the settings and the post's versions.
POST_PAGE_QUERIES_WARM = 2
# A logged-in reader, the discussion from the shared cache: session, user, settings,
# post, Works Cited, their two permission lookups (may they edit the post?) and their
# editable comments.
POST_PAGE_QUERIES_MEMBER = 8
