"""`flask ctcae import PATH`: load NCI's official CTCAE v5.0 table (CSV or xlsx) for the term picker."""
import click
from flask.cli import AppGroup

from app.common.clock import utcnow
from app.ctcae.catalogue import OFFICIAL_TERM_COUNT, import_official_table
from app.extensions import db

ctcae_cli = AppGroup("ctcae", help="CTCAE reference data.")


@ctcae_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_table(path):
    """Load every term of the official table at PATH (.csv or NCI's .xlsx); re-running updates."""
    try:
        counts = import_official_table("ctcae-import", utcnow(), path)
    except (KeyError, ValueError, UnicodeDecodeError) as exc:
        db.session.rollback()
        raise click.ClickException(f"{path} is not a CTCAE v5.0 table: {exc}")
    db.session.commit()
    click.echo(f"imported {counts['terms']} CTCAE terms ({counts['added']} new, {counts['updated']} updated)")
    if counts["terms"] != OFFICIAL_TERM_COUNT:
        click.echo(f"warning: CTCAE v5.0 has {OFFICIAL_TERM_COUNT} terms; this table has {counts['terms']}", err=True)


def register(app):
    app.cli.add_command(ctcae_cli)
