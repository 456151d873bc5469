"""The load test (`python -m bench.load`): locust against gunicorn on PostgreSQL, with /healthz beside; not a test."""
