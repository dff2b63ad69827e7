"""WSGI entry point: `gunicorn -c deploy/gunicorn.conf.py wsgi:app`, `flask --app wsgi …`."""

from {{ cookiecutter.__package_name }} import create_app
from {{ cookiecutter.__package_name }}.config import ConfigError

try:
    app = create_app()
except ConfigError as error:
    # Name every bad setting and stop; a traceback would only hide the message.
    raise SystemExit(str(error)) from None
