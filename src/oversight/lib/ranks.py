"""Police ranks and staff grades as a controlled list: any common spelling or abbreviation ("Ch Supt",
"C/Supt", "Det Supt", "DCI", "A/Insp") is read to one canonical rank with its place in the order.

Officer ranks in England and Wales (Police Act 1996; Police Regulations 2003) from constable up;
the Metropolitan Police and the City of London Police have commanders and commissioners in place
of assistant, deputy and chief constables, and sit on the same ladder. A detective holds the same
rank as the uniformed officer ("DCI" is a chief inspector). Police staff have no rank: their pay
grades ("Grade C", "Scale 4", "SO1", "PO3", "Band 5") are recognised but have no place on the
officer ladder, nor do PCSOs; the staff leadership titles forces use ("Head of Department",
"Director") sit beside the officer rank they are usually graded with. An unknown text is an error,
never a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class RankKind(StrEnum):
    OFFICER = "officer"
    STAFF = "staff"


@dataclass(frozen=True)
class Rank:
    """One canonical rank or grade. `order` is its place on the officer ladder (constable 1 to chief
    constable 10); None for a staff pay grade, which has no such place."""

    key: str
    title: str
    abbreviation: str
    order: int | None
    kind: RankKind = RankKind.OFFICER
    chief_officer: bool = False  # the appropriate authority for complaints about them is the local policing body

    def at_least(self, other: Rank) -> bool:
        """This rank is `other` or above it on the officer ladder."""
        return self.order is not None and other.order is not None and self.order >= other.order


class UnknownRank(ValueError):
    def __init__(self, text: str) -> None:
        super().__init__(
            f"rank or grade '{text}' is not recognised: use a police rank (for example PC, DS, Insp, Ch Supt, ACC) "
            "or a police staff grade (for example Grade C, Scale 4, SO1, PO3)"
        )
        self.text = text


# Each rank with the spellings forces use besides its title and abbreviation, lowest first. Detective
# forms ("DC", "Det Supt") are spellings of the same rank.
_LADDER: tuple[tuple[Rank, tuple[str, ...]], ...] = (
    (Rank("special_constable", "Special Constable", "SC", 1), ("Special", "SPC", "Spec Con")),
    (
        Rank("constable", "Constable", "PC", 1),
        ("Police Constable", "DC", "Det Con", "TDC", "Trainee Detective Constable", "Student Officer"),
    ),
    (Rank("sergeant", "Sergeant", "Sgt", 2), ("PS", "Police Sergeant", "DS", "Det Sgt", "Det Sergeant")),
    (Rank("inspector", "Inspector", "Insp", 3), ("DI", "Det Insp", "Det Inspector")),
    (
        Rank("chief_inspector", "Chief Inspector", "Ch Insp", 4),
        ("CI", "C/Insp", "Chief Insp", "DCI", "Det Ch Insp", "Det Chief Inspector"),
    ),
    (Rank("superintendent", "Superintendent", "Supt", 5), ("Det Supt", "D/Supt", "DSupt", "DSU", "Det Superintendent")),
    (
        Rank("chief_superintendent", "Chief Superintendent", "Ch Supt", 6),
        ("C/Supt", "CSupt", "Chief Supt", "DCS", "Det Ch Supt", "Det Chief Superintendent"),
    ),
    (Rank("commander", "Commander", "Cmdr", 7), ("Cdr", "Comdr")),
    (Rank("assistant_chief_constable", "Assistant Chief Constable", "ACC", 7), ()),
    (Rank("deputy_assistant_commissioner", "Deputy Assistant Commissioner", "DAC", 8), ()),
    (Rank("assistant_commissioner", "Assistant Commissioner", "AC", 8), ()),
    (Rank("deputy_chief_constable", "Deputy Chief Constable", "DCC", 9), ()),
    (Rank("deputy_commissioner", "Deputy Commissioner", "Dep Commr", 9, chief_officer=True), ()),
    (Rank("chief_constable", "Chief Constable", "CC", 10, chief_officer=True), ()),
    (Rank("commissioner", "Commissioner", "Commr", 10, chief_officer=True), ("Comm", "Commissioner of Police")),
    # Police staff: the leadership titles forces grade beside an officer rank, then PCSOs.
    (Rank("staff_supervisor", "Supervisor", "Supervisor", 2, RankKind.STAFF), ("Staff Supervisor",)),
    (Rank("staff_manager", "Manager", "Manager", 3, RankKind.STAFF), ("Staff Manager",)),
    (Rank("head_of_department", "Head of Department", "HoD", 5, RankKind.STAFF), ("Head of Dept",)),
    (Rank("director", "Director", "Director", 7, RankKind.STAFF), ("Staff Director",)),
    (Rank("pcso", "Police Community Support Officer", "PCSO", None, RankKind.STAFF), ("CSO",)),
)

# Police staff pay grades: a scheme and a grade within it ("Grade C", "Scale 6", "SO2", "PO3", "Band 5").
_STAFF_GRADE = re.compile(r"^(grade|scale|band|level|so|po)\s*([0-9]{1,2}[a-z]?|[a-z])$")
_GRADE_SCHEMES = {"grade": "Grade ", "scale": "Scale ", "band": "Band ", "level": "Level ", "so": "SO", "po": "PO"}

# "A/Insp", "Acting Inspector", "T/DCI", "Temporary Chief Inspector": the rank held for now.
_ACTING = re.compile(r"^(?:a/|t/|acting\s+|temporary\s+|temp\s+)", re.IGNORECASE)


def _normal(text: str) -> str:
    """Case, full stops and spacing do not matter: "Ch. Supt" is "ch supt"."""
    return " ".join(text.replace(".", " ").casefold().split())


def _spellings() -> dict[str, Rank]:
    found: dict[str, Rank] = {}
    for rank, aliases in _LADDER:
        detective = (f"Detective {rank.title}",) if rank.kind == RankKind.OFFICER else ()
        for spelling in (rank.title, rank.abbreviation, *detective, *aliases):
            found.setdefault(_normal(spelling), rank)
    return found


_SPELLINGS = _spellings()
RANKS: dict[str, Rank] = {rank.key: rank for rank, _ in _LADDER}


def _staff_grade(normal: str) -> Rank | None:
    match = _STAFF_GRADE.match(normal)
    if match is None:
        return None
    title = _GRADE_SCHEMES[match[1]] + match[2].upper()
    return Rank(f"staff_{_normal(title).replace(' ', '_')}", title, title, None, RankKind.STAFF)


def parse_rank(text: str) -> Rank:
    """The canonical rank for a spelling; UnknownRank when it is none the list knows."""
    normal = _normal(_ACTING.sub("", text.strip()))
    rank = _SPELLINGS.get(normal) or _staff_grade(normal)
    if rank is None:
        raise UnknownRank(text.strip())
    return rank


def rank_or_none(text: str) -> Rank | None:
    """The canonical rank, or None for a blank or unknown text (a register written before the list)."""
    try:
        return parse_rank(text) if text.strip() else None
    except UnknownRank:
        return None


def rank_problem(text: str) -> str | None:
    """Why a rank or grade would be refused on import; None when it is blank or recognised."""
    if not text.strip():
        return None
    try:
        parse_rank(text)
    except UnknownRank as unknown:
        return str(unknown)
    return None
