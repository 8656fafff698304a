"""/exports/* (analysis datasets, SDTM zip, FHIR bundle) and /reports/safety.xlsx.

Exports are for coordinators, admins and statisticians (Capability.EXPORT_DATA), site-scoped
like the reports, audited (who, what, cutoff, row counts), and carry study ids only.
"""
import json

from flask import Response, g
from flask_smorest import Blueprint

from app.auth.services import find_site
from app.common.access import require_own_site
from app.common.auth_context import requires
from app.common.downloads import attachment
from app.common.clock import utcnow
from app.common.permissions import Capability
from app.exports import safety_tables, services, writers
from app.exports.schemas import DatasetArgs, ExportArgs, SdtmArgs

blp = Blueprint("exports", __name__, url_prefix="/api/v1", description="Data exports for the statistician")
CSV = "text/csv; charset=utf-8"


def _scope(args) -> services.ExportScope:
    site = None
    if args.get("site"):
        site = find_site(args["site"])
        require_own_site(g.actor, site)
    now = utcnow()
    return services.ExportScope(g.actor, now, services.resolve_export_cutoff(now, args.get("cutoff")), site)


def _analysis(args, name: str, fmt: str):
    scope = _scope(args)
    dataset = services.export_analysis(scope, name)
    if fmt == "csv":
        return attachment(writers.dataset_csv(dataset), CSV, f"{name}_{scope.cutoff.isoformat()}.csv")
    return {"cutoff": scope.cutoff.isoformat(), "items": [dict(zip(dataset.names, writers.json_values(dataset, row)))
                                                          for row in dataset.rows]}


@blp.route("/exports/adsl", methods=["GET"])
@requires(Capability.EXPORT_DATA)
@blp.arguments(DatasetArgs, location="query")
@blp.alt_response(200, description="ADSL as JSON: {cutoff, items: [...]} with CDISC variable names")
def adsl(args):
    return _analysis(args, "adsl", "json")


@blp.route("/exports/adsl.csv", methods=["GET"])
@requires(Capability.EXPORT_DATA)
@blp.arguments(DatasetArgs, location="query")
@blp.alt_response(200, description="ADSL as CSV (UTF-8 with BOM)")
def adsl_csv(args):
    return _analysis(args, "adsl", "csv")


@blp.route("/exports/adtte", methods=["GET"])
@requires(Capability.EXPORT_DATA)
@blp.arguments(DatasetArgs, location="query")
@blp.alt_response(200, description="ADTTE as JSON: one item per patient × PARAMCD")
def adtte(args):
    return _analysis(args, "adtte", "json")


@blp.route("/exports/adtte.csv", methods=["GET"])
@requires(Capability.EXPORT_DATA)
@blp.arguments(DatasetArgs, location="query")
@blp.alt_response(200, description="ADTTE as CSV (UTF-8 with BOM)")
def adtte_csv(args):
    return _analysis(args, "adtte", "csv")


@blp.route("/exports/sdtm", methods=["GET"])
@requires(Capability.EXPORT_DATA)
@blp.arguments(SdtmArgs, location="query")
@blp.alt_response(200, description="A zip of SDTM-like domains (csv, xpt or dataset-json) with manifest.json")
def sdtm(args):
    scope = _scope(args)
    data, _manifest = services.export_sdtm(scope, args["format"])
    return attachment(data, "application/zip", f"sdtm_{args['format']}_{scope.cutoff.isoformat()}.zip")


@blp.route("/exports/fhir", methods=["GET"])
@requires(Capability.EXPORT_DATA)
@blp.arguments(ExportArgs, location="query")
@blp.alt_response(200, description="A FHIR R4 collection Bundle (application/fhir+json)")
def fhir_bundle(args):
    scope = _scope(args)
    document = services.export_fhir(scope)
    return Response(json.dumps(document, ensure_ascii=False), mimetype="application/fhir+json",
                    headers={"Cache-Control": "no-store"})


@blp.route("/reports/safety.xlsx", methods=["GET"])
@requires(Capability.VIEW_SAFETY_REPORT)
@blp.arguments(ExportArgs, location="query")
@blp.alt_response(200, description="Report-ready safety tables, one sheet per table (XLSX)")
def safety_xlsx(args):
    scope = _scope(args)
    tables = services.safety_tables_in_scope(scope)
    return attachment(safety_tables.tables_xlsx(tables), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     f"safety_tables_{scope.cutoff.isoformat()}.xlsx")
