import click
from flask.cli import AppGroup

demo_cli = AppGroup("demo", help="Demo data.")


def register(app):
    app.cli.add_command(demo_cli)
