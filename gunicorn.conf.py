"""gunicorn settings (`gunicorn -c gunicorn.conf.py wsgi:app`), issue 16.

Request limits: gunicorn answers requests over its own limits itself, in text/html. Its
limits are therefore set above the application's: the app refuses URLs longer than
MAX_URL_LENGTH (app/common/input_guard.py) with a problem+json 414, and gunicorn's own 414
only comes for request lines over 8190 bytes (its maximum).
"""
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:5000")
workers = int(os.environ.get("GUNICORN_WORKERS", 2))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))  # > DB_STATEMENT_TIMEOUT_MS: the app answers 503 first
graceful_timeout = 20
keepalive = 5
limit_request_line = 8190        # gunicorn's maximum; the app's own limit (4096) answers first
limit_request_fields = 100
limit_request_field_size = 8190
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
# No query strings in the access log: they can carry phone numbers and dates of birth.
access_log_format = '%(t)s %(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(L)ss rid=%({x-request-id}o)s'
