"""`flask users create NAME --role admin --password-stdin`."""
import sys

import click
from flask.cli import AppGroup

from app.auth import admin, services
from app.common.permissions import ROLES
from app.common.clock import utcnow
from app.common.problems import Problem
from app.extensions import db

users_cli = AppGroup("users", help="Manage users.")


@users_cli.command("create")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(ROLES))
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


def _admin_command(work):
    """Run `work()` (which flushes) and commit, or turn a problem into a CLI error."""
    try:
        result = work()
        db.session.commit()
        return result
    except Problem as exc:
        db.session.rollback()
        raise click.ClickException(exc.detail)


@users_cli.command("list")
def list_users():
    """List users: username, role, site, phone, on call, active."""
    from sqlalchemy import select

    from app.models import User

    for user in db.session.scalars(select(User).order_by(User.username)):
        click.echo(f"{user.username}\t{user.role}\t{user.site.code if user.site else '-'}\t{user.phone or '-'}\t"
                   f"{'on call' if user.on_call else '-'}\t{'active' if user.active else 'inactive'}")


@users_cli.command("update")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES))
@click.option("--site", "site_code", help="Site code.")
@click.option("--phone", help="E.164 phone for pages.")
@click.option("--on-call/--not-on-call", default=None, help="Always on call where the rota has nobody.")
@click.option("--reason", default=None)
def update_user(username, role, site_code, phone, on_call, reason):
    """Change a user's role, site, phone or on-call flag (PATCH /api/v1/users/{id})."""
    changes = {k: v for k, v in {"role": role, "site": site_code, "phone": phone, "on_call": on_call}.items()
               if v is not None}
    user = _admin_command(lambda: admin.update_user("cli", utcnow(), admin.find_user(username), changes, reason))
    click.echo(f"updated {user.username}: {', '.join(sorted(changes)) or 'nothing'}")


@users_cli.command("deactivate")
@click.argument("username")
@click.option("--reason", default=None)
def deactivate_user(username, reason):
    """Deactivate a user; their tokens are revoked at once."""
    _admin_command(lambda: admin.update_user("cli", utcnow(), admin.find_user(username), {"active": False}, reason))
    click.echo(f"deactivated {username}; their tokens are revoked")


@users_cli.command("activate")
@click.argument("username")
def activate_user(username):
    """Activate a user again."""
    _admin_command(lambda: admin.update_user("cli", utcnow(), admin.find_user(username), {"active": True}))
    click.echo(f"activated {username}")


@users_cli.command("reset-password")
@click.argument("username")
def reset_password(username):
    """Print a one-time password; the user must change it before anything else."""
    password = _admin_command(lambda: admin.reset_password("cli", utcnow(), admin.find_user(username)))
    click.echo(f"one-time password for {username}: {password}")


def register(app):
    app.cli.add_command(users_cli)
