"""`flask products add`."""
from decimal import Decimal

import click
from flask.cli import AppGroup
from marshmallow import ValidationError

from ..errors import ApiError
from . import service
from .schemas import ProductCreateSchema

products_cli = AppGroup("products", help="Products (卷烟规格).")


@products_cli.command("add")
@click.option("--sku", required=True)
@click.option("--name", required=True)
@click.option("--brand", default=None, help="Default: the name up to its first parenthesis.")
@click.option("--pack-price", required=True, type=Decimal, help="包零售价, yuan")
@click.option("--carton-price", type=Decimal, default=None, help="条零售价; default 10 × pack price")
@click.option("--guide-price", type=Decimal, default=None, help="指导零售价 per pack; default the pack price")
@click.option("--wholesale-price", type=Decimal, default=None, help="批发价 per carton; default 90% of carton price")
@click.option("--price-class", type=click.IntRange(1, 5), default=None, help="1 一类 … 5 五类")
@click.option("--points-per-pack", type=int, default=1, show_default=True)
def add(sku, name, brand, pack_price, carton_price, guide_price, wholesale_price, price_class, points_per_pack):
    """Add a product; prints its id."""
    raw = {"sku": sku, "name": name, "brand": brand or name.split("(")[0].split("（")[0],
           "price_class": price_class, "points_per_pack": points_per_pack,
           **{k: str(v) for k, v in service.default_prices(pack_price, carton_price, guide_price,
                                                           wholesale_price).items()}}
    try:
        product = service.add_product(**ProductCreateSchema().load(raw))
    except ValidationError as error:
        raise click.ClickException("; ".join(f"{k}: {' '.join(map(str, v))}" for k, v in error.messages.items()))
    except ApiError as error:
        raise click.ClickException(str(error.message)) from None
    click.echo(product.id)


def init_app(app):
    app.cli.add_command(products_cli)
