"""The API docs page served from the app itself: Swagger UI from the `swagger-ui-bundle`
PyPI package (Apache-2.0), so /api/v1/docs works on an intranet with no CDN (issue 17 item 5).

flask-smorest renders the page (OPENAPI_SWAGGER_UI_PATH); its JavaScript and CSS come from
`/api/v1/docs/assets/`, and the licence of the bundled Swagger UI from
`/api/v1/docs/assets/LICENSE`.
"""
from importlib import metadata

from flask import Response, send_from_directory

ASSETS_RULE = "/api/v1/docs/assets/<path:filename>"
ASSETS_URL = "docs/assets/"  # relative to /api/v1/docs: survives a path prefix at the proxy
CACHE_SECONDS = 24 * 3600


def _bundle_dir() -> str:
    import swagger_ui_bundle

    return swagger_ui_bundle.swagger_ui_path


def licence_text() -> str:
    """The licence of the bundled Swagger UI, as shipped in the package's metadata."""
    distribution = metadata.distribution("swagger-ui-bundle")
    for file in distribution.files or ():
        if file.name.upper().startswith("LICENSE"):
            return file.read_text()
    return "Swagger UI, bundled by swagger-ui-bundle: Apache License 2.0"


def assets(filename):
    if filename == "LICENSE":
        return Response(licence_text(), mimetype="text/plain")
    return send_from_directory(_bundle_dir(), filename, max_age=CACHE_SECONDS)


def install(app):
    app.add_url_rule(ASSETS_RULE, "docs_assets", assets)
