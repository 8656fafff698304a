"""The day view's and timeline's response cache (issue 19): one per process, over
`app.common.generations.ReadCache`, so a body is served only while no write to visits,
patients, sites or lab results has been committed since it was built (HAIC readiness
included: it is computed from lab results)."""
import json

from flask import current_app

from app.common.generations import ReadCache
from app.models.read_generation import VISIT_VIEW_TABLES, VISIT_VIEWS

EXTENSION = "visit_view_cache"


def install(app) -> ReadCache:
    """The cache of `app`: VISIT_VIEW_CACHE_ENTRIES bodies at most (0 turns it off), and
    VISIT_VIEW_CACHE_MB megabytes in all (a week view is ~150 kB, a day ~30 kB)."""
    cache = ReadCache(VISIT_VIEWS, VISIT_VIEW_TABLES, int(app.config.get("VISIT_VIEW_CACHE_ENTRIES", 512)),
                      max_bytes=int(float(app.config.get("VISIT_VIEW_CACHE_MB", 32)) * 2**20))
    app.extensions[EXTENSION] = cache
    return cache


def cache() -> ReadCache:
    return current_app.extensions[EXTENSION]


def json_body(key, build_page) -> bytes:
    """The compact JSON of `build_page()` for `key` (everything the page depends on besides the
    database: who may see what, and every argument), from the cache when still current."""
    return cache().body(key, lambda: json.dumps(build_page(), separators=(",", ":")).encode())
