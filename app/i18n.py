"""Translations (zh_CN first, English second) through Flask-Babel.

Each feature package keeps its own catalog in `<package>/translations/<locale>/LC_MESSAGES/messages.po`,
so features never edit one shared file. Catalogs are compiled in memory from the .po files at first use;
there is no compiled artefact to forget. `flask i18n extract` refreshes the .po files from the code.
"""
import io
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from flask import current_app, g, request, session
from flask_babel import Domain

from .extensions import babel

APP_DIR = Path(__file__).resolve().parent


def catalog_dirs():
    """Every translations/ folder in the app package and its feature packages."""
    return sorted(p for p in APP_DIR.rglob("translations") if p.is_dir())


@cache
def _compiled(locale: str) -> Translations:
    merged = Translations()
    for folder in catalog_dirs():
        po = folder / locale / "LC_MESSAGES" / "messages.po"
        if not po.exists():
            continue
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=locale)
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        merged.merge(Translations(fp=buffer))
    return merged


def catalog_name(locale) -> str:
    """The catalog folder for a Babel locale: Locale.parse("zh_CN") prints as zh_Hans_CN, the folder is zh_CN."""
    return f"{locale.language}_{locale.territory}" if locale.territory else locale.language


class PoDomain(Domain):
    def get_translations(self):
        from flask_babel import get_locale

        locale = get_locale()
        if locale is None:
            return NullTranslations()
        return _compiled(catalog_name(locale))


def select_locale():
    languages = current_app.config["LANGUAGES"]
    wanted = request.args.get("lang") or session.get("lang") if request else None
    if wanted in languages:
        return wanted
    if request and request.path.startswith("/admin"):
        # The console speaks Chinese until its user picks English from the switch (kept in the session).
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    best = request.accept_languages.best_match(["zh_CN", "zh", "en"]) if request else None
    if best in ("zh_CN", "zh"):
        return "zh_CN"
    return best or current_app.config["BABEL_DEFAULT_LOCALE"]


def _forget_locale():
    # Flask-Babel caches the locale on `g`; an app context that outlives one request (the test client,
    # CLI-driven requests) must not carry it into the next.
    g.pop("_flask_babel", None)


def init_app(app):
    app.before_request(_forget_locale)
    babel.init_app(app, locale_selector=select_locale)
    # Flask-Babel builds its Domain lazily (a cached_property); ours reads the .po catalogs instead.
    babel.__dict__["domain_instance"] = PoDomain()
