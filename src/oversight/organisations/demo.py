"""What every demo loader shares: the published demo password, a login row, and the console table.

`oversight load_demo` runs the modules named in settings.DEMO_LOADERS in order. Each provides
`is_loaded() -> bool`, `load() -> None` and `logins() -> list[Login]`; the command prints one table
of every module's logins.
"""

from __future__ import annotations

import itertools
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

# Demo only: every demo login shares this published password. Never load the demo in production.
PASSWORD = "Oversight-demo-2026"  # noqa: S105

WIDTHS = (18, 31, 26, 64)


@dataclass(frozen=True)
class Login:
    """One demo login as the console shows it."""

    username: str
    role: str
    organisation: str
    can: str


def logins_table(logins: Sequence[Login]) -> str:
    """The demo logins as a plain-text table for the console."""
    widths = (max([WIDTHS[0], *(len(login.username) for login in logins)]), *WIDTHS[1:])
    rows = [("Username", "Role", "Organisation", "What they can do")]
    rows += [(login.username, login.role, login.organisation, login.can) for login in logins]
    lines = [
        "",
        f"Demo logins. The password for every one is:  {PASSWORD}",
        "(Demo data only: never use this password, or load this demo, on a real system.)",
        "",
    ]
    for number, row in enumerate(rows):
        cells = [textwrap.wrap(text, width) for text, width in zip(row, widths, strict=True)]
        for parts in itertools.zip_longest(*cells, fillvalue=""):
            lines.append(
                "  " + "  ".join(part.ljust(width) for part, width in zip(parts, widths, strict=True)).rstrip()
            )
        if number == 0:
            lines.append("  " + "  ".join("-" * width for width in widths))
    return "\n".join([*lines, ""])
