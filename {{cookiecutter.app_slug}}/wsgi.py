"""WSGI entry point: `gunicorn -c deploy/gunicorn.conf.py wsgi:app`, `flask --app wsgi …`."""

import importlib.util

from {{ cookiecutter.__package_name }} import create_app
from {{ cookiecutter.__package_name }}.config import ConfigError

try:
    app = create_app()
except ConfigError as error:
    # Name every bad setting and stop; a traceback would only hide the message.
    raise SystemExit(str(error)) from None

# The development toolkit (devtools/, beside this file in a checkout) adds its commands,
# such as `compliance check`. The production image carries no devtools/, so there the app
# has its own commands only; the package itself never imports the toolkit.
if importlib.util.find_spec("devtools") is not None:
    from devtools.cli import register_toolkit_commands

    register_toolkit_commands(app)
