"""HAIC-Track: the backend of trial NCT06184841.

`create_app` imports Flask lazily so that the pure core (schedule engine,
eligibility, grading, parsing, RECIST, statistics) can be imported and tested
without the web stack.
"""

# The release (CHANGELOG.md); shown by /health, `flask version`, `python wsgi.py --version`.
__version__ = "0.9.0"


def create_app(config=None):
    from app.factory import build_app

    return build_app(config)
