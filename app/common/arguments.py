"""Request-argument schemas built once, not per request (issue 19).

flask-smorest hands `@blp.arguments(SomeSchema)` to webargs, which instantiates a schema
*class* on every request: a marshmallow schema deep-copies its declared fields when built,
so a request paid for building its schema before reading a single argument. Schema
instances are reusable (marshmallow keeps no per-load state on them), so this parser builds
one instance per class and reuses it. `install()` must run before the blueprints are
imported (the factory imports this module first); a blueprint decorated earlier keeps
webargs' default, with the same results.
"""
from functools import lru_cache

import flask_smorest
import marshmallow as ma
from webargs.flaskparser import FlaskParser


@lru_cache(maxsize=None)
def schema_instance(schema_class: type[ma.Schema]) -> ma.Schema:
    """The one instance of `schema_class` used to load arguments."""
    return schema_class()


class ReusingSchemaParser(FlaskParser):
    """webargs' Flask parser, with one schema instance per schema class."""

    def _get_schema(self, argmap, req):
        if isinstance(argmap, type) and issubclass(argmap, ma.Schema):
            return schema_instance(argmap)
        return super()._get_schema(argmap, req)


def install() -> None:
    """Make every flask-smorest Blueprint decorated from now on parse with ReusingSchemaParser."""
    if not isinstance(flask_smorest.Blueprint.ARGUMENTS_PARSER, ReusingSchemaParser):
        flask_smorest.Blueprint.ARGUMENTS_PARSER = ReusingSchemaParser()


install()
