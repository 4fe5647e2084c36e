"""`flask codes generate|import|void`."""
import sys

import click
from flask.cli import AppGroup

from ..errors import ApiError
from . import batches

codes_cli = AppGroup("codes", help="Pack-code batches (喷码).")

CHUNK = 20_000


@codes_cli.command("generate")
@click.option("--sku", required=True)
@click.option("--count", required=True, type=click.IntRange(1, batches.MAX_GENERATED))
@click.option("--output", required=True, type=click.Path(dir_okay=False, writable=True),
              help="CSV file: header `code`, one printed code per line")
@click.option("--valid-from", type=click.DateTime(), default=None, help="Shanghai time")
@click.option("--valid-until", type=click.DateTime(), default=None, help="Shanghai time")
@click.option("--note", default=None)
def generate(sku, count, output, valid_from, valid_until, note):
    """Open a batch of COUNT codes for SKU, write them to OUTPUT and print the batch id."""
    from ..timeutil import LOCAL_TZ

    try:
        batch = batches.create_generated(sku=sku, count=count, note=note,
                                         valid_from=valid_from and valid_from.replace(tzinfo=LOCAL_TZ),
                                         valid_until=valid_until and valid_until.replace(tzinfo=LOCAL_TZ))
    except ApiError as error:
        raise click.ClickException(_message(error)) from None
    codes = batches.generated_codes(batch)
    with open(output, "w", encoding="ascii", newline="\n", buffering=1 << 20) as out, \
            click.progressbar(length=count, label=f"batch {batch.id}", file=sys.stderr) as bar:
        out.write("code\n")
        done = 0
        while done < count:
            n = min(CHUNK, count - done)
            out.writelines(f"{next(codes)}\n" for _ in range(n))
            done += n
            bar.update(n)
    click.echo(batch.id)


@codes_cli.command("import")
@click.option("--sku", required=True)
@click.argument("csv_file", type=click.File("r", encoding="utf-8-sig"))
def import_codes(sku, csv_file):
    """Import a printing line's CSV of codes for SKU (stored hashed); prints the batch id and the report."""
    try:
        report = batches.import_batch(sku=sku, text=csv_file.read())
    except ApiError as error:
        raise click.ClickException(_message(error)) from None
    for item in report.errors + report.duplicates:
        click.echo(f"line {item['line']}: {item['message']}", err=True)
    click.echo(f"{report.batch.id}\timported {report.imported}, duplicates {len(report.duplicates)}, "
               f"errors {len(report.errors)}")


@codes_cli.command("void")
@click.argument("batch_id", type=int)
def void(batch_id):
    try:
        batch = batches.void_batch(batch_id)
    except ApiError as error:
        raise click.ClickException(_message(error)) from None
    click.echo(f"batch {batch.id} {batch.status}")


def _message(error):
    fields = getattr(error, "fields", None)
    if fields:
        return "; ".join(f"{k}: {' '.join(map(str, v))}" for k, v in fields.items())
    return str(error.message)


def init_app(app):
    app.cli.add_command(codes_cli)
