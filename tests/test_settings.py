"""Production refuses to start without its secrets; local defaults are never used there."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

CHECK = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"


def _start(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"}}
    return subprocess.run(  # noqa: S603 (runs this interpreter with a fixed script)
        [sys.executable, "-c", CHECK],
        env={**base, "DJANGO_SETTINGS_MODULE": "oversight.settings", **env},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"])
def test_production_refuses_to_start_without(missing: str) -> None:
    env = {
        "OVERSIGHT_ENV": "production",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "oversight.example.org",
        "DATABASE_URL": "postgres://u@db/oversight",
    }
    del env[missing]
    result = _start(env)
    assert result.returncode != 0
    assert f"{missing} must be set" in result.stderr


def test_production_starts_with_everything_set_and_debug_off() -> None:
    result = _start({
        "OVERSIGHT_ENV": "production",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "oversight.example.org",
        "DATABASE_URL": "postgres://u@db/oversight",
        "DEBUG": "1",
    })  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_a_new_data_dir_is_created_so_the_sqlite_database_opens(tmp_path: Path) -> None:
    data_dir = tmp_path / "new" / "data"
    script = "import django; django.setup(); from django.db import connection; connection.ensure_connection()"
    base = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "OVERSIGHT_ENV"}}
    result = subprocess.run(  # noqa: S603 (runs this interpreter with a fixed script)
        [sys.executable, "-c", script],
        env={**base, "DJANGO_SETTINGS_MODULE": "oversight.settings", "OVERSIGHT_DATA_DIR": str(data_dir)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (data_dir / "oversight.sqlite3").exists()
