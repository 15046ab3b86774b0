"""Gunicorn, as production runs Coursblog: `gunicorn -c gunicorn.conf.py coursblog.wsgi`.

Every setting can be changed through the environment (GUNICORN_CMD_ARGS works too);
an empty variable counts as unset, as in the Django settings.
"""

import multiprocessing
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # for `-c` from any directory
from coursblog.env import env, env_int

bind = env("BIND", f"{env('HOST', '127.0.0.1')}:{env('PORT', '8000')}")
# Processes do the Python work; a second thread each covers waiting on the database.
workers = env_int("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1)
worker_class = "gthread"
threads = env_int("GUNICORN_THREADS", 2)
# Recycle workers now and then, so no slow leak ever grows a worker for long.
max_requests = env_int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = 200
timeout = env_int("GUNICORN_TIMEOUT", 30)
graceful_timeout = 20
# Request line and headers (gunicorn's defaults, stated: docs/deploy.md matches nginx
# to them). Bodies are limited by the app (coursblog/middleware.py), which answers 413.
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190
keepalive = 5
# The app loads in each worker after the fork: a worker that dies takes nothing with it.
preload_app = False
accesslog = env("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = env("LOG_LEVEL", "info").lower()
forwarded_allow_ips = env("FORWARDED_ALLOW_IPS", "127.0.0.1")


def post_fork(server, worker):
    """Let workers give memory back after a big page (glibc only; elsewhere a no-op).

    glibc raises its mmap threshold after freeing a large block, so the next big
    pages come from the heap and stay resident. A fixed threshold keeps large
    blocks (a long discussion's page) in their own mappings, returned when freed;
    two arenas keep the threads from multiplying the heap.
    """
    import ctypes

    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return
    m_trim_threshold, m_mmap_threshold, m_arena_max = -1, -3, -8
    libc.mallopt(m_mmap_threshold, 128 * 1024)
    libc.mallopt(m_trim_threshold, 256 * 1024)
    libc.mallopt(m_arena_max, 2)
