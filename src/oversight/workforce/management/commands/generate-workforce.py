"""`oversight generate-workforce`: the hyphenated name of `generate_workforce` (Django names commands by file)."""

from oversight.workforce.management.commands.generate_workforce import Command

__all__ = ["Command"]
