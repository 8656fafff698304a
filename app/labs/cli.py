"""`flask labs check-readiness` (an alias of `flask jobs run labs-readiness`)."""
import click
from flask.cli import AppGroup

from app.common.jobs_cli import run_once
from app.labs.jobs import JOB_NAME

labs_cli = AppGroup("labs", help="Laboratory jobs.")


@labs_cli.command("check-readiness")
def check_readiness():
    """Open a lab_hold alert for each of tomorrow's HAIC sessions with missing or failing labs."""
    click.echo(f"opened {run_once(JOB_NAME)['alerts_opened']} lab_hold alert(s)")


def register(app):
    app.cli.add_command(labs_cli)
