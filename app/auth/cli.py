"""`flask users create-admin|create-staff`."""
import click
from flask.cli import AppGroup
from marshmallow import ValidationError

from ..errors import ApiError
from . import service

users_cli = AppGroup("users", help="Staff and admin accounts.")


def _create(role, username, password, name):
    try:
        staff = service.create_staff(username=username, password=password, name=name or username, role=role)
    except ValidationError as error:
        raise click.ClickException("; ".join(str(m) for m in error.messages)) from None
    except ApiError as error:
        raise click.ClickException(str(error.message)) from None
    click.echo(f"created {role} {staff.username} (id {staff.id})")


@users_cli.command("create-admin")
@click.option("--username", required=True)
@click.option("--password", required=True)
@click.option("--name", default=None)
def create_admin(username, password, name):
    _create("admin", username, password, name)


@users_cli.command("create-staff")
@click.option("--username", required=True)
@click.option("--password", required=True)
@click.option("--name", default=None)
def create_staff(username, password, name):
    _create("staff", username, password, name)
