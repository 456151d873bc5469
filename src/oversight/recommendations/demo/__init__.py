"""The demo, loaded by `oversight load_demo` through settings.DEMO_LOADERS."""

from .stories import PASSWORD, PEOPLE, is_loaded, load, logins

__all__ = ["PASSWORD", "PEOPLE", "is_loaded", "load", "logins"]
