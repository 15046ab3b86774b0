"""Search keeps no model of its own: PostgreSQL searches the posts, comments and sources
tables through expression indexes (search/vectors.py), SQLite through FTS5 tables that
triggers keep in step (search/fts5.py). Both are made by this app's migration."""
