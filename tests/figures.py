"""Figures the documentation states, each in one place: the tests that pin them use these
constants, and tests/test_documentation.py checks that the documentation says the same.

Each count is what a post page costs in queries. When a count changes, change it here:
the documentation test then names the sentence that must change with it.
"""

# An anonymous reader, nothing cached: the post's versions (for the page cache), the post
# (with the site's version), the discussion settings, the course settings (has the course
# ended?), its Works Cited, topics and tags, the page's thread ids, its comments, the
# approved count for the heading, who the instructors are (for their mark), which
# comments show the exemplary mark (none asked for when no comment is approved), the
# external log-ins the guests' line offers (read once per site version), and whether the
# course has topics (the menu's Topics or Archives). The previous and next posts come
# with the post.
POST_PAGE_QUERIES_COLD = 14
# The same with the whole discussion on one page: no page to work out.
POST_PAGE_QUERIES_COLD_ONE_PAGE = 13
# An anonymous reader of a page the process keeps: the post's and the site's versions.
POST_PAGE_QUERIES_WARM = 1
# A logged-in reader, the discussion from the shared cache: session, user, the reader's
# role, the post (with the site's version), their editable comments, the Works Cited,
# topics and tags, whether the course has topics (the settings were read at this site
# version already).
POST_PAGE_QUERIES_MEMBER = 9

# The participation page's term view, for any size of class: session, user, role,
# expectations, students, posts, comments (written and received), whether the course has
# topics (for the menu); the course settings were read by this process already.
PARTICIPATION_PAGE_QUERIES = 8
# Every count of every member and week (participation/counting.py): posts in one query,
# comments written and received in one pass over them.
PARTICIPATION_COUNTING_QUERIES = 2
