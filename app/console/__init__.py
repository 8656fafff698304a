"""The staff web console: server-rendered pages (Jinja) over the same services as the API.

No business logic of its own: each page reads through the domain read models and each form
writes through the same service functions the API calls (audit entries, version checks,
site scoping), committed by the same request boundary. Session login with CSRF protection
(Flask-WTF), Chinese and English (Flask-Babel), no external assets.
"""
