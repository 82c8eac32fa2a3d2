from __future__ import annotations

import pytest

from app import create_app
from config import ProductionConfig, _database_url


def test_production_refuses_to_start_without_a_secret_key():
    class NoSecret(ProductionConfig):
        SECRET_KEY = None

    with pytest.raises(RuntimeError, match="SECRET_KEY is not set"):
        create_app(NoSecret)


def test_production_cookies_are_secure():
    class WithSecret(ProductionConfig):
        SECRET_KEY = "x" * 32
        SQLALCHEMY_DATABASE_URI = "sqlite://"

    app = create_app(WithSecret)
    assert app.config["SESSION_COOKIE_SECURE"] is True


@pytest.mark.parametrize(("given", "used"), [
    ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
    ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
    ("sqlite:///x.db", "sqlite:///x.db"),
])
def test_database_urls_use_psycopg3(given, used):
    assert _database_url(given) == used


def test_production_refuses_to_downgrade_without_a_backup(tmp_path):
    class Production(ProductionConfig):
        SECRET_KEY = "x" * 32
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'prod.db'}"
        JOBS_URL = f"sqlite:///{tmp_path / 'jobs.db'}"

    runner = create_app(Production).test_cli_runner()
    refused = runner.invoke(args=["db", "downgrade"])
    assert refused.exit_code == 2 and "Restore a backup instead" in refused.output
    assert "--i-have-a-backup" in runner.invoke(args=["db", "downgrade", "--help"]).output
    runner.invoke(args=["db", "upgrade"])
    done = runner.invoke(args=["db", "downgrade", "--i-have-a-backup"])
    assert done.exit_code == 0, done.output  # one step down, as asked
