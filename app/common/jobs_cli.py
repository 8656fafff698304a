"""`flask jobs list` and `flask jobs run NAME`: the CLI face of the one job registry, plus the
command names used before the registry, kept as aliases (ALIASES)."""
import click
from flask import current_app
from flask.cli import AppGroup

from app.common import jobs

jobs_cli = AppGroup("jobs", help="Scheduled jobs (the registry scheduler.py runs).")
# Old command (group, name) -> (job, what it prints, formatted with the job's counts).
ALIASES = {
    ("checkins", "plan"): ("checkin-planning", "queued {planned} check-in(s)"),
    ("symptoms", "close-abandoned"): ("abandoned-symptom-dialogues", "closed {closed} abandoned symptom dialogue(s)"),
    ("adverse-events", "check-deadlines"): ("sae-deadlines", "opened {alerts_opened} sae_deadline alert(s)"),
}


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


def _alias(job_name: str, template: str):
    def run_alias():
        click.echo(template.format(**run_once(job_name)))

    run_alias.__doc__ = f"Same as `flask jobs run {job_name}`."
    return run_alias


def register(app):
    app.cli.add_command(jobs_cli)
    groups = {}
    for (group, command), (job_name, template) in ALIASES.items():
        if group not in groups:
            groups[group] = AppGroup(group, help=f"Aliases of `flask jobs run` ({group}).")
            app.cli.add_command(groups[group])
        groups[group].command(command)(_alias(job_name, template))
