"""`flask jobs list` and `flask jobs run NAME`: the CLI face of the one job registry."""
import click
from flask import current_app
from flask.cli import AppGroup

from app.common import jobs

jobs_cli = AppGroup("jobs", help="Scheduled jobs (the registry scheduler.py runs).")


@jobs_cli.command("list")
def list_jobs():
    """Every registered job: name, period, description."""
    for entry in jobs.registered():
        click.echo(f"{entry.name:30} every {_period(entry.every):>6}  {entry.description}")


@jobs_cli.command("run")
@click.argument("name")
def run(name):
    """Run job NAME once now (commits, records the run, prints what it did)."""
    if name not in {entry.name for entry in jobs.registered()}:
        raise click.UsageError(f"no job {name!r}; see `flask jobs list`")
    click.echo(f"{name}: {jobs.summarise(run_once(name))}")


def run_once(name: str, **options) -> dict:
    """Run a registered job through the runner (for the CLI aliases too)."""
    return jobs.run_job(current_app._get_current_object(), name, **options)


def _period(every) -> str:
    seconds = int(every.total_seconds())
    return f"{seconds // 60}min" if seconds % 60 == 0 else f"{seconds}s"


def register(app):
    app.cli.add_command(jobs_cli)
