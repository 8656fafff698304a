"""Response headers every answer carries (issue 16, item 12), and the request id.

- `X-Content-Type-Options: nosniff`, `X-Frame-Options: DENY`, `Referrer-Policy: no-referrer`
  and a Content-Security-Policy: the API serves JSON (`default-src 'none'`); the ReDoc page
  and the web-link form (HTML) get a CSP that allows only what they load.
- `Strict-Transport-Security` only when the request came over https (directly or through
  a trusted proxy), as RFC 6797 §7.2 requires.
- `Cache-Control: no-store` on everything under /api/, /cal/ and /r/: tokens and patient
  data must not sit in shared or browser caches. Responses that set their own keep it.
- `X-Request-ID`: the client's (when sane) or a new one; also in log lines and 500 bodies.
"""
import re
import uuid

from flask import g, request

API_CSP = "default-src 'none'; frame-ancestors 'none'"
HTML_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; font-src 'self' data:; worker-src blob:; frame-ancestors 'none'; "
            "form-action 'self'")
# The docs page (flask-smorest's Swagger UI page, assets served by the app) starts Swagger UI
# with one inline script; it shows the public API description and no patient data.
DOCS_PATH = "/api/v1/docs"
DOCS_CSP = HTML_CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
NO_STORE_PREFIXES = ("/api/", "/cal/", "/r/")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def assign_request_id():
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex


def add_headers(response):
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "no-referrer")
    html = (response.mimetype or "").startswith("text/html")
    csp = (DOCS_CSP if request.path == DOCS_PATH else HTML_CSP) if html else API_CSP
    headers.setdefault("Content-Security-Policy", csp)
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if request.path.startswith(NO_STORE_PREFIXES) and "Cache-Control" not in headers:
        headers["Cache-Control"] = "no-store"
        headers["Pragma"] = "no-cache"
    request_id = getattr(g, "request_id", None)
    if request_id:
        headers["X-Request-ID"] = request_id
    return response


def install(app):
    app.before_request(assign_request_id)
    app.after_request(add_headers)
