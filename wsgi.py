"""Entry point for gunicorn (`gunicorn wsgi:app`) and the `flask` command."""

import os

from app import create_app
from app.certificates.keys import check_keys_for_serving

app = create_app()
if not os.environ.get("FLASK_RUN_FROM_CLI"):  # serving (gunicorn): refuse to start without the issuer keys
    check_keys_for_serving(app)
