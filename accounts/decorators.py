"""View decorators for the course's roles (see accounts/roles.py)."""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from accounts import roles


def role_required(allowed: Callable[[object], bool]):
    """Log in first; then refuse (403) a reader for whom ``allowed(user)`` is false."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if not allowed(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator


instructor_required = role_required(roles.is_instructor)
writer_required = role_required(roles.can_write_posts)
