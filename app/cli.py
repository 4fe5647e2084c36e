"""Operator commands that are not one feature's: the demo data set and translations."""
import click
from flask.cli import AppGroup

demo_cli = AppGroup("demo", help="Demo data.")
i18n_cli = AppGroup("i18n", help="Translations.")


@demo_cli.command("seed")
@click.option("--force", is_flag=True, help="Seed even if the database already has members.")
def seed(force):
    """Fill an empty database with a realistic zh_CN demo and print the logins."""
    from .demo import AlreadySeeded, demo_logins, seed_demo

    try:
        logins = seed_demo(force=force)
        click.echo("Demo data loaded. Logins:")
    except AlreadySeeded as reason:
        click.echo(f"Demo not reloaded: {reason}. Logins:")
        logins = demo_logins()
    for role, who, password in logins:
        click.echo(f"  {role:<7} {who:<14} {password}")
    from .codes.demo import unused_batch_id

    batch_id = unused_batch_id()
    if batch_id:
        click.echo(f"Unused pack codes for trying the app (the demo scanned none of them): batch {batch_id}, "
                   f"GET /api/v1/admin/code-batches/{batch_id}/codes.csv with an admin token, or the console's "
                   f"码批次 page.")


@i18n_cli.command("extract")
def extract():
    """Refresh every feature's messages.po from the code (new strings get empty translations)."""
    from .i18n_tools import extract_all

    for path, added in extract_all():
        click.echo(f"{path}: {added} new")


def init_app(app):
    app.cli.add_command(demo_cli)
    app.cli.add_command(i18n_cli)
