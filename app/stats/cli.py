"""`flask stats recompute --week 2026-W47`: rebuild stored indicator snapshots (late imports, corrections)."""
import click
from flask.cli import AppGroup

stats_cli = AppGroup("stats", help="Statistics and market indicators.")


@stats_cli.command("recompute")
@click.option("--week", "weeks", multiple=True, required=True, help="ISO week like 2026-W47 (repeatable).")
def recompute(weeks):
    """Recompute and store the indicator snapshots of the given weeks."""
    from .snapshots import recompute_week
    from .weeks import parse_week

    for week in weeks:
        try:
            parse_week(week.upper())
        except ValueError:
            raise click.BadParameter(f"{week} is not an ISO week like 2026-W47", param_hint="--week") from None
    for week in weeks:
        result = recompute_week(week.upper())
        click.echo(f"{result['week']}: {result['written']} written, {result['deleted']} deleted, "
                   f"{result['unchanged']} unchanged")


def init_app(app):
    app.cli.add_command(stats_cli)
