"""Query arguments of the exports."""
from marshmallow import Schema, fields, validate

from app.exports.services import FORMATS


class ExportArgs(Schema):
    cutoff = fields.Date(load_default=None, metadata={"description": "data cutoff (site-local date); default today"})
    site = fields.String(load_default=None, validate=validate.Length(max=16),
                         metadata={"description": "site code; default every site the user may see"})


class DatasetArgs(ExportArgs):
    pass


class SdtmArgs(ExportArgs):
    format = fields.String(load_default="csv", validate=validate.OneOf(FORMATS),
                           metadata={"description": "csv (UTF-8 with BOM), xpt (SAS V5) or dataset-json (CDISC 1.1)"})
