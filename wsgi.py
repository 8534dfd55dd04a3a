"""WSGI entry point: `flask --app wsgi <command>` and `gunicorn wsgi:app`."""

from feedback_app import create_app

app = create_app()
