"""`flask labs check-readiness`: alert the nurse about tomorrow's HAIC sessions without labs."""
import click
from flask.cli import AppGroup

from app.labs.jobs import check_readiness_job

labs_cli = AppGroup("labs", help="Laboratory jobs.")


@labs_cli.command("check-readiness")
def check_readiness():
    """Open a lab_hold alert for each of tomorrow's HAIC sessions with missing or failing labs."""
    click.echo(f"opened {check_readiness_job()} lab_hold alert(s)")


def register(app):
    app.cli.add_command(labs_cli)
