"""Shapes of the observation import."""
from marshmallow import Schema, fields


class ImportUploadSchema(Schema):
    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary",
                                                "description": "CSV, header date,licence_no,sku,stock_packs,"
                                                               "ordered_packs,demand_packs,out_of_stock,"
                                                               "pack_price,carton_price,channel"})
