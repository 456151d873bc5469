"""Rules about the victim's voice kept as data: they change with policy and the law.

- POLICE_EMAIL_DOMAINS: mailboxes a victim who is police staff must never be contacted on (the
  subject may be able to read them). A listed domain matches itself and every subdomain; the
  "*." form says so explicitly.
- VICTIMS_CODE_RIGHTS: the twelve rights of the Victims' Code (2021), by number.
"""

from __future__ import annotations

from typing import NamedTuple

POLICE_EMAIL_DOMAINS: tuple[str, ...] = (
    "police.uk",
    "pnn.police.uk",
    "met.police.uk",
    "*.pnn.police.uk",
)


class Right(NamedTuple):
    number: int
    title: str


VICTIMS_CODE_RIGHTS: tuple[Right, ...] = (
    Right(1, "To be able to understand and to be understood"),
    Right(2, "To have the details of the crime recorded without unjustified delay"),
    Right(3, "To be provided with information when reporting the crime"),
    Right(4, "To be referred to services that support victims and have services and support tailored to your needs"),
    Right(5, "To be provided with information about compensation"),
    Right(6, "To be provided with information about the investigation and prosecution"),
    Right(7, "To make a Victim Personal Statement"),
    Right(8, "To be given information about the trial, trial process and your role as a witness"),
    Right(9, "To be given information about the outcome of the case and any appeals"),
    Right(10, "To be paid expenses and have property returned"),
    Right(11, "To be given information about the offender following a conviction"),
    Right(12, "To make a complaint about your rights not being met"),
)

RIGHT_NUMBERS: frozenset[int] = frozenset(right.number for right in VICTIMS_CODE_RIGHTS)


def right_title(number: int) -> str:
    return next(right.title for right in VICTIMS_CODE_RIGHTS if right.number == number)


def _domain_matches(domain: str, listed: str) -> bool:
    base = listed.removeprefix("*.")
    return domain == base or domain.endswith("." + base)


def is_police_mailbox(email: str) -> bool:
    """Whether the address is on a police domain (any subdomain of a listed one counts)."""
    domain = email.rpartition("@")[2].strip().lower().rstrip(".")
    return bool(domain) and any(_domain_matches(domain, listed) for listed in POLICE_EMAIL_DOMAINS)
