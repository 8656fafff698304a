"""Wire the console into an app: the blueprint, Flask-Babel (zh/en) and Flask-WTF's CSRF check.

CSRF is checked on console forms only (the JSON API authenticates with bearer tokens, which a
browser never sends on its own, and provider webhooks carry their own secret)."""
from datetime import timedelta
from pathlib import Path

from flask import request, session
from app.console.error_texts import translated, translated_all
from app.console.extensions import babel, csrf
TRANSLATIONS = Path(__file__).with_name("translations")


def select_locale() -> str:
    chosen = session.get("lang") if request else None
    return chosen or request.accept_languages.best_match(["zh", "en"]) or "zh"


def install(app) -> None:
    # each module registers its pages on the blueprint
    from app.console import admin, care, investigator, review, screening  # noqa: F401
    from app.console.views import bp

    app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # tied to the session, which expires with its token
    app.config.setdefault("SESSION_COOKIE_HTTPONLY", True)
    app.config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    app.config.setdefault("PERMANENT_SESSION_LIFETIME", timedelta(hours=8))
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(TRANSLATIONS)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    app.register_blueprint(bp)
    app.jinja_env.filters["translated_error"] = translated
    app.jinja_env.filters["translated_errors"] = translated_all
