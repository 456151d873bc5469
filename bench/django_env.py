"""Point Django at the benchmark's database before it starts."""

from __future__ import annotations

import os
from pathlib import Path

import django

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE = f"sqlite:///{PROJECT_DIR / 'var' / 'bench.sqlite3'}"


def start(database: str) -> None:
    """Set up Django on `database` (a DATABASE_URL), creating the SQLite folder when needed."""
    os.environ["DATABASE_URL"] = database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oversight.settings")
    if database.startswith("sqlite:///"):
        Path(database.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    django.setup()


def vendor() -> str:
    from django.db import connection

    return str(connection.vendor)
