"""`flask export adsl|adtte|sdtm|fhir|safety --cutoff YYYY-MM-DD --out PATH`: exports from the shell.

Runs as the `system` actor over all sites (or `--site`), audited like the API's exports, with a
progress line per dataset on stderr for long exports.
"""
import json
from pathlib import Path

import click
from flask.cli import AppGroup

from app.common.clock import utcnow
from app.common.problems import Problem
from app.extensions import db

export_cli = AppGroup("export", help="Data exports for the statistician (ADaM-like, SDTM-like, FHIR).")


class SystemActor:
    """The CLI's actor: an administrator of every site, named in the audit trail as "cli"."""

    id = None
    username = "cli"
    role = "admin"
    is_admin = True
    site_id = None


def _scope(cutoff, site_code):
    from app.auth.services import find_site
    from app.exports.services import ExportScope, resolve_export_cutoff

    now = utcnow()
    site = find_site(site_code) if site_code else None
    return ExportScope(SystemActor(), now, resolve_export_cutoff(now, cutoff), site)


def _progress(index, total, dataset):
    click.echo(f"[{index}/{total}] {dataset.name}: {len(dataset.rows)} rows", err=True)


def _run(action):
    try:
        result = action()
        db.session.commit()
        return result
    except Problem as exc:
        db.session.rollback()
        raise click.ClickException(exc.detail)


_cutoff = click.option("--cutoff", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
                       help="Data cutoff (default: today at the site).")
_site = click.option("--site", default=None, help="One site's code (default: all sites).")
_out = click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="File to write.")


def _day(value):
    return value.date() if value else None


@export_cli.command("sdtm")
@_cutoff
@_site
@_out
@click.option("--format", "fmt", type=click.Choice(["csv", "xpt", "dataset-json"]), default="csv")
def sdtm_command(cutoff, site, out, fmt):
    """A zip of the SDTM-like domains with manifest.json."""
    from app.exports.services import export_sdtm

    def action():
        return export_sdtm(_scope(_day(cutoff), site), fmt, progress=_progress)

    data, manifest = _run(action)
    out.write_bytes(data)
    click.echo(f"wrote {out} ({len(data)} bytes, cutoff {manifest['cutoff']}, "
               f"{sum(v['rows'] for v in manifest['datasets'].values())} rows)")


def _analysis_command(name):
    @_cutoff
    @_site
    @_out
    def command(cutoff, site, out):
        from app.exports import services, writers

        def action():
            return services.export_analysis(_scope(_day(cutoff), site), name)

        dataset = _run(action)
        out.write_bytes(writers.dataset_csv(dataset))
        click.echo(f"wrote {out} ({len(dataset.rows)} rows)")

    command.__doc__ = f"{name.upper()} as CSV (UTF-8 with BOM)."
    return export_cli.command(name)(command)


_analysis_command("adsl")
_analysis_command("adtte")


@export_cli.command("fhir")
@_cutoff
@_site
@_out
def fhir_command(cutoff, site, out):
    """The study as a FHIR R4 collection Bundle (JSON)."""
    from app.exports.services import export_fhir

    def action():
        return export_fhir(_scope(_day(cutoff), site))

    document = _run(action)
    out.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    click.echo(f"wrote {out} ({len(document['entry'])} entries)")


def register(app):
    app.cli.add_command(export_cli)
