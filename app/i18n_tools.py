"""Keeping the catalogs in step with the code: `flask i18n extract` (and the catalog test) use this.

Each package under app/ that has user-facing strings owns `translations/zh_CN/LC_MESSAGES/messages.po`;
the app package's own catalog covers the modules directly under app/ and the templates.
"""
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from .i18n import APP_DIR

LOCALE = "zh_CN"
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}
METHODS = [("**.py", "python"), ("**.html", "jinja2")]


TEMPLATES = APP_DIR.parent / "templates"


def _owners():
    """(catalog folder, source folders) pairs: each feature package with its templates/<feature>/ folder,
    then the app package itself with the templates that belong to no feature."""
    features = [p for p in sorted(APP_DIR.iterdir()) if p.is_dir() and (p / "__init__.py").exists()]
    owners = [(p, [p, TEMPLATES / p.name]) for p in features]
    return owners, features


def extract_messages(folder: Path, skip=()):
    """msgid → list of locations for one source folder (not descending into the folders named in `skip`)."""
    found = {}
    if not folder.exists():
        return found
    skip_names = {p.name for p in skip}
    for filename, lineno, message, _comments, _context in extract_from_dir(
            str(folder), METHODS, keywords=KEYWORDS, callback=None,
            directory_filter=lambda d: not d.endswith(("__pycache__", "translations"))):
        if Path(filename).parts[0] in skip_names and len(Path(filename).parts) > 1:
            continue
        msgid = message if isinstance(message, str) else message[0]
        found.setdefault(msgid, []).append((str(folder.relative_to(APP_DIR.parent) / filename), lineno))
    return found


def catalogs():
    """(po path, {msgid: locations}) for every owner that has strings."""
    owners, features = _owners()
    result = []
    for folder, sources in owners:
        messages = {}
        for source in sources:
            messages.update(extract_messages(source))
        if messages:
            result.append((folder / "translations" / LOCALE / "LC_MESSAGES" / "messages.po", messages))
    root = {}
    for source in (APP_DIR, TEMPLATES):
        root.update(extract_messages(source, skip=features))
    result.append((APP_DIR / "translations" / LOCALE / "LC_MESSAGES" / "messages.po", root))
    return result


def _known_translations():
    known = {}
    for po in APP_DIR.rglob(f"translations/{LOCALE}/LC_MESSAGES/messages.po"):
        with po.open("rb") as handle:
            known.update({m.id: m.string for m in read_po(handle, locale=LOCALE) if m.id and m.string})
    return known


def extract_all():
    """Add the code's new msgids to each .po (with the translation another catalog already has, else empty);
    keep existing translations. Yields (path, added)."""
    known = _known_translations()
    for po_path, messages in catalogs():
        if po_path.exists():
            with po_path.open("rb") as handle:
                catalog = read_po(handle, locale=LOCALE)
        else:
            catalog = Catalog(locale=LOCALE, project="loyalty")
        added = 0
        for msgid, locations in messages.items():
            if msgid in catalog:
                continue
            added += 1
            catalog.add(msgid, string=known.get(msgid, ""), locations=locations)
        if not added:
            continue  # leave a catalog without news exactly as its author wrote it
        po_path.parent.mkdir(parents=True, exist_ok=True)
        with po_path.open("wb") as handle:
            write_po(handle, catalog, width=120, omit_header=False, sort_output=True)
        yield po_path.relative_to(APP_DIR.parent), added


def untranslated():
    """msgids used in the code that no catalog translates, per owning catalog. The catalogs are merged at
    run time (app/i18n.py), so a translation anywhere counts."""
    known = _known_translations()
    missing = {}
    for po_path, messages in catalogs():
        gaps = [m for m in messages if not known.get(m)]
        if gaps:
            missing[str(po_path.relative_to(APP_DIR.parent))] = gaps
    return missing
