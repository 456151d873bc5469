"""The connection rules' numbers, in one place with their source.

Source: issue 3, "PPDA case oversight" (Workforce and connections; Cases and locking; Independence),
which gives effect to recommendation 2 of the PPDA super-complaint report (brief, section 5): each
allegation is investigated by someone with no prior connection to anyone involved.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

# Two people who served in the same unit are connected when their time together ended within this
# many years, or is still going on (issue 3: "same unit in overlapping periods within a configurable
# number of years"). Settings may override it with WORKFORCE_CONNECTION_YEARS.
CONNECTION_YEARS = 5

# A line-management chain longer than this is treated as broken data, not followed further; the
# deepest real chain (constable to chief constable) has nine ranks.
MAX_CHAIN_DEPTH = 15


# Two people are within two steps when someone is directly connected to both (issue 3). Being above
# both in the line-management chain does not count: the chief constable is directly connected to
# everyone in the force, so counting it would put every pair of colleagues within two steps and the
# warning would mean nothing. A shared manager still warns when it is also, say, a shared unit.
COMMON_SENIOR_CONNECTS = False


def connection_years() -> int:
    return int(getattr(settings, "WORKFORCE_CONNECTION_YEARS", CONNECTION_YEARS))


def window_start(on: dt.date) -> dt.date:
    """The earliest day a shared period may have ended and still connect two people on `on`."""
    years = connection_years()
    try:
        return on.replace(year=on.year - years)
    except ValueError:  # 29 February in a year that has none
        return on.replace(year=on.year - years, day=28)
