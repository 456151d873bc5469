"""The register's API endpoints (scoped by the app's access module)."""

from ninja import Router

router = Router(tags=["recommendations"])
