"""Forms shared across blueprints."""

from flask_wtf import FlaskForm


class ActionForm(FlaskForm):
    """No fields: gives CSRF protection to POST-only buttons (logout, confirm...)."""
