"""`flask users create NAME --role admin --password-stdin`."""
import sys

import click
from flask.cli import AppGroup

from app.auth import services
from app.common.clock import utcnow
from app.common.problems import Problem
from app.extensions import db

users_cli = AppGroup("users", help="Manage users.")


@users_cli.command("create")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(["admin", "coordinator", "investigator", "nurse"]))
@click.option("--site", "site_code", default=None, help="Site code (required except for admins).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user(username, role, site_code, password_stdin):
    """Create a user (the first admin, typically)."""
    password = sys.stdin.readline().rstrip("\n") if password_stdin else click.prompt(
        "Password", hide_input=True, confirmation_prompt=True)
    try:
        user = services.create_user("cli", utcnow(), username=username, password=password, role=role,
                                    site_code=site_code)
        db.session.commit()
    except Problem as exc:
        db.session.rollback()
        raise click.ClickException(exc.detail)
    click.echo(f"created {user.role} {user.username}")


def register(app):
    app.cli.add_command(users_cli)
