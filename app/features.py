"""The feature packages the service is made of: each one's API blueprints and command-line groups.
A new feature adds its lines here (dotted paths, imported when the app is created)."""
import importlib

BLUEPRINTS = [
    "app.auth.routes:blp",
    "app.members.routes:blp",
    "app.points.routes:blp",
    "app.products.routes:blp",
    "app.codes.routes:blp",
    "app.codes.admin_routes:blp",
    "app.retailers.routes:blp",
    "app.visits.routes:blp",
    "app.promo.routes:blp",
    "app.promo.requisition_routes:blp",
    "app.activities.routes:blp",
    "app.observations.routes:blp",
    "app.stats.routes:blp",
    "app.gifts.routes:blp",
    "app.redemptions.routes:blp",
    "app.lifecycle.routes:blp",
    "app.complaints.routes:blp",
    "app.sms.routes:blp",
    "app.appeals.routes:blp",
    "app.tasks.routes:blp",
]

# Modules with an init_app(app) that adds their `flask …` command groups.
COMMANDS = [
    "app.tasks.queue",  # the queue itself and `flask worker`
    "app.products.cli",
    "app.codes.cli",
    "app.stats.cli",
]


def load(path):
    module, _, name = path.partition(":")
    loaded = importlib.import_module(module)
    return getattr(loaded, name) if name else loaded


def blueprints():
    return [load(path) for path in BLUEPRINTS]


# Modules imported for what they subscribe to (app/points/hooks.py: level, validity, referral on a credit).
SUBSCRIBERS = [
    "app.lifecycle.hooks",
]

# Modules that register background task kinds (app/tasks/service.py `task_kind`): the worker knows them all.
TASK_KINDS = [
    "app.codes.tasks",
    "app.retailers.tasks",
]


def init_app(app):
    for path in COMMANDS:
        load(path).init_app(app)
    for path in SUBSCRIBERS + TASK_KINDS:
        load(path)
