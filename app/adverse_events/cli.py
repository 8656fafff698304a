"""`flask adverse-events check-deadlines` (kept as an alias of `flask jobs run sae-deadlines`)."""
import click
from flask.cli import AppGroup

from app.common.jobs_cli import run_once

ae_cli = AppGroup("adverse-events", help="Adverse event jobs.")


@ae_cli.command("check-deadlines")
def check_deadlines():
    """Open an sae_deadline alert for every SAE past its 24 h reporting deadline."""
    click.echo(f"opened {run_once('sae-deadlines')['alerts_opened']} sae_deadline alert(s)")


def register(app):
    app.cli.add_command(ae_cli)
