"""Products: the app's list (public) and the admin's create, edit, retire."""
from ..api import Blueprint
from ..auth.decorators import public, roles
from ..errors import ErrorSchema
from ..pagination import PageQuery, page_schema
from . import service
from .schemas import (AdminProductSchema, ProductCreateSchema, ProductListQuery, ProductSchema,
                      ProductUpdateSchema)

blp = Blueprint("products", __name__, description="Products (卷烟规格)")


@blp.route("/products", methods=["GET"])
@blp.arguments(PageQuery, location="query")
@blp.response(200, page_schema(ProductSchema))
@public
def list_products(query):
    return service.list_products(status="active", **query)


@blp.route("/admin/products", methods=["GET"])
@blp.arguments(ProductListQuery, location="query")
@blp.response(200, page_schema(AdminProductSchema))
@roles("staff")
def admin_list_products(query):
    return service.list_products(query["page"], query["per_page"], status=query.get("status"))


@blp.route("/admin/products", methods=["POST"])
@blp.arguments(ProductCreateSchema)
@blp.response(201, AdminProductSchema)
@blp.alt_response(409, schema=ErrorSchema, description="SKU_TAKEN")
@roles("admin")
def admin_create_product(body):
    return service.add_product(**body)


@blp.route("/admin/products/<int:product_id>", methods=["GET"])
@blp.response(200, AdminProductSchema)
@blp.alt_response(404, schema=ErrorSchema)
@roles("staff")
def admin_get_product(product_id):
    return service.get_product(product_id)


@blp.route("/admin/products/<int:product_id>", methods=["PATCH"])
@blp.arguments(ProductUpdateSchema(partial=True))
@blp.response(200, AdminProductSchema)
@blp.alt_response(404, schema=ErrorSchema)
@roles("admin")
def admin_update_product(changes, product_id):
    return service.update_product(product_id, changes)


@blp.route("/admin/products/<int:product_id>/retire", methods=["POST"])
@blp.response(200, AdminProductSchema)
@blp.alt_response(404, schema=ErrorSchema)
@roles("admin")
def admin_retire_product(product_id):
    return service.set_status(product_id, "retired")


@blp.route("/admin/products/<int:product_id>/reactivate", methods=["POST"])
@blp.response(200, AdminProductSchema)
@blp.alt_response(404, schema=ErrorSchema)
@roles("admin")
def admin_reactivate_product(product_id):
    return service.set_status(product_id, "active")
