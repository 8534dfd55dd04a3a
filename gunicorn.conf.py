"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py wsgi:app`.

Every value can be set from the environment (GUNICORN_*); docs/deployment.md
explains them. Workers are stateless: the database holds the answers, Redis the rate-limit
counters, so any number of workers (and machines) can serve the same site.
"""

import os

from feedback_app.logs import install_redaction

# The master's own log lines (worker crashes, tracebacks) are redacted too; workers inherit it.
install_redaction()


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: one request at a time each; a request is a few database round trips.
workers = _int("GUNICORN_WORKERS", 2 * (os.cpu_count() or 1) + 1)
threads = _int("GUNICORN_THREADS", 1)
worker_class = "gthread" if threads > 1 else "sync"
timeout = _int("GUNICORN_TIMEOUT", 30)  # a worker silent this long is killed and replaced
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Recycle workers now and then, so a slow leak can never grow without bound.
max_requests = _int("GUNICORN_MAX_REQUESTS", 5000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 500)
# Each worker builds its own app (and database pool) after the fork.
preload_app = False
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

# The client address and scheme come from the reverse proxy through the app's own ProxyFix
# (TRUSTED_PROXIES), the one place where X-Forwarded-* is trusted; gunicorn trusts none.
secure_scheme_headers: dict[str, str] = {}
forwarded_allow_ips = ""

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The path without its query string (%(U)s, not %(r)s), no referrer: links carry household codes,
# and the codes left in paths (/h/<code>) are masked by the redaction above.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
