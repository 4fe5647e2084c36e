"""Migrations are the only way the schema is made: one head, and models that agree with them."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from app.extensions import db


def _script(app):
    return ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())


def test_alembic_has_a_single_head(app):
    assert len(_script(app).get_heads()) == 1


def test_the_database_is_at_the_head_revision(app):
    with db.engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_heads()
    assert set(current) == set(_script(app).get_heads())


def test_models_and_migrations_agree(app):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == [], f"models differ from migrations: {diff}"
