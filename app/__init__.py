"""Application factory: reads as the list of subsystems the service is made of."""
import os

from flask import Flask

from .config import INSTANCE_DIR, Config


def create_app(config=None):
    app = Flask(__name__, instance_path=str(INSTANCE_DIR), template_folder="../templates",
                static_folder="../static", static_url_path="/static")
    app.config.from_object(config or Config)
    app.json.ensure_ascii = False  # Chinese goes out as UTF-8 text, not \u escapes
    _require_secret_key(app)

    from . import admin, api, auth, cli, db, errors, features, http, i18n, jobs, media
    from .sms import backends as sms

    db.init_app(app)
    _init_migrations(app)
    http.init_app(app)
    errors.init_app(app)
    i18n.init_app(app)
    _init_limiter(app)
    auth.init_app(app)
    http.init_body_guard(app)
    api.init_app(app, features.blueprints())
    media.init_app(app)
    sms.init_app(app)
    jobs.init_app(app)
    cli.init_app(app)
    features.init_app(app)
    admin.init_app(app)  # after errors: it shows /admin errors as pages
    return app


def _require_secret_key(app):
    if not app.config.get("SECRET_KEY"):
        if app.debug or app.testing:
            app.config["SECRET_KEY"] = os.urandom(32).hex()
        else:
            raise RuntimeError("SECRET_KEY is not set. Set it in the environment (scripts/run.sh keeps one "
                               "in instance/secret_key for local runs).")


def _init_migrations(app):
    from pathlib import Path

    from .extensions import migrate

    from .extensions import db as database

    migrate.init_app(app, database, directory=str(Path(__file__).resolve().parent.parent / "migrations"))
    from . import models  # noqa: F401  (every model registered for Alembic's comparisons)


def _init_limiter(app):
    from .extensions import limiter

    if app.config.get("PROXY_FIX_X_FOR"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXY_FIX_X_FOR"])
    limiter.init_app(app)
