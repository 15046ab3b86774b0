"""A WSGI application that answers everything with 200, for gunicorn in tests."""


def application(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]
