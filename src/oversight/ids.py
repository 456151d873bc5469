"""Primary keys that say nothing about how many rows exist.

A sequential id in an address is a count: a PSD handler who opens case 17 knows 16 others exist,
and a gap in the ids of the alerts or dip-sample entries they see marks one hidden from them. Locked
records and everything listed around them take a random id instead (about 2^53 values, well inside
what JavaScript and JSON numbers carry exactly; a clash is a unique-key error, vanishingly rare).
"""

from __future__ import annotations

import secrets

from django.db import models

LOWEST = 2**32  # never small enough to look like a count
HIGHEST = 2**53 - 1


def random_id() -> int:
    return LOWEST + secrets.randbelow(HIGHEST - LOWEST)


def random_id_field() -> models.BigIntegerField:
    return models.BigIntegerField(primary_key=True, default=random_id, editable=False, serialize=False)
