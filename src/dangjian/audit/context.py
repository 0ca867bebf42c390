"""Which request (or command, or job) an audit event belongs to: one id ties its events together.

The middleware opens a context per web request; commands and background jobs open one
with :func:`log_context`. Events recorded inside it carry its id (Wagtail's ``LogContext``).
"""

import uuid
from contextlib import contextmanager
from contextvars import ContextVar

_current = ContextVar("dangjian_request_id", default="")


def current_request_id():
    return _current.get()


@contextmanager
def log_context(request_id=None):
    token = _current.set(request_id or uuid.uuid4().hex)
    try:
        yield _current.get()
    finally:
        _current.reset(token)


class RequestIdMiddleware:
    """Gives each request an id (or keeps the proxy's ``X-Request-ID``) and returns it in the response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        rid = given if given and len(given) <= 64 and given.isascii() and given.isprintable() else None
        with log_context(rid) as request_id:
            request.request_id = request_id
            response = self.get_response(request)
        response.headers.setdefault("X-Request-ID", request_id)
        return response
