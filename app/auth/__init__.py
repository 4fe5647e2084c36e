def init_app(app):
    from .cli import users_cli
    from .decorators import init_app as init_access

    init_access(app)
    app.cli.add_command(users_cli)
