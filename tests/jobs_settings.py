"""Oversight's settings with only the test daily jobs registered, for worker processes started by tests."""

from oversight.settings import *  # noqa: F403

DAILY_JOB_MODULES = ["tests.jobs_daily"]
