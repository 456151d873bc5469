"""What the benchmark checks: cases chosen to make the checks work, by kind of party and by outcome.

Parties of every rank (chief officers included), the people with the longest management chains and
those in the largest units, and pairs of parties; for each party, one candidate directly connected,
one connected within two steps and one not connected at all, found on the in-memory graph
(bench/graph.py). Candidate listings are the largest force's whole eligible pool (the rule of
cases/assignments.eligible_investigators) against parties of each rank. The per-request exclusion is
measured for a chief constable, a superintendent and a constable against the subjects of many cases.
"""

from __future__ import annotations

import random
from collections import defaultdict
from typing import Any

import networkx as nx

from bench import graph

CHIEF = {"CC", "DCC"}
SENIOR = {"ACC", "Ch Supt", "Supt", "Director", "Head of Department"}
MIDDLE = {"Ch Insp", "Insp", "Manager"}
LEADER = {"Sgt", "DS", "Supervisor"}
INVESTIGATOR_RANKS = ("DC", "DS")

PARTY_KINDS = [
    "chief officer",
    "ACC to superintendent",
    "inspector",
    "sergeant",
    "constable or staff",
    "longest chain",
    "largest unit",
    "two parties",
]
RELATIONS = ["direct", "two steps", "none"]


def rank_kind(rank: str) -> str:
    if rank in CHIEF:
        return "chief officer"
    if rank in SENIOR:
        return "ACC to superintendent"
    if rank in MIDDLE:
        return "inspector"
    if rank in LEADER:
        return "sergeant"
    return "constable or staff"


class World:
    """The register as the sampler needs it: people by force and rank, chains, units."""

    def __init__(self, network: nx.Graph, names: dict[int, str]) -> None:
        from django.db.models import Count, Q

        from oversight.organisations.models import Organisation
        from oversight.workforce.models import Person, Posting

        self.network, self.names = network, names
        self.force: dict[int, int] = {}
        self.rank: dict[int, str] = {}
        self.by_force: dict[int, list[int]] = defaultdict(list)
        self.by_kind: dict[str, list[int]] = defaultdict(list)
        rows = Person.objects.values_list("pk", "force_id", "rank_or_grade").order_by("pk")
        for pk, force, rank in rows.iterator(chunk_size=50_000):
            self.force[pk], self.rank[pk] = force, rank
            self.by_force[force].append(pk)
            self.by_kind[rank_kind(rank)].append(pk)
        above = {
            person: sum(1 for other, data in network.adj[person].items() if data.get("upper") == other)
            for person in network.nodes
        }
        longest = sorted(above, key=lambda person: -above[person])
        self.by_kind["longest chain"] = longest[: max(20, len(longest) // 200)]
        self.chain_length = above
        largest = (
            Posting.objects.filter(ended_on__isnull=True).values("unit_id").annotate(n=Count("pk")).order_by("-n")[:20]
        )
        units = [row["unit_id"] for row in largest]
        self.unit_size = {row["unit_id"]: row["n"] for row in largest}
        in_large = Posting.objects.filter(ended_on__isnull=True, unit_id__in=units).values_list("person_id", flat=True)
        self.by_kind["largest unit"] = list(in_large)
        met = Organisation.objects.forces().get(name__startswith="Metropolitan")
        self.met = met.pk
        self.met_name = met.name
        investigatorish = Q(role__icontains="investigator") | Q(role__icontains="detective")
        investigatorish |= Q(rank_or_grade__icontains="detective") | Q(rank_or_grade__in=INVESTIGATOR_RANKS)
        pool = Person.objects.filter(investigatorish, force=met).order_by("name", "pk")
        self.met_pool = list(pool.values_list("pk", flat=True))

    def outcome(self, candidate: int, parties: list[int]) -> str:
        blocked, warned, _ = graph.check(self.network, self.names, candidate, parties)
        return "direct" if blocked else "two steps" if warned else "none"

    def candidate(self, rng: random.Random, parties: list[int], relation: str) -> int | None:
        """Someone with this relation to the parties, found on the graph (None if there is none)."""
        party = parties[0]
        near = list(self.network.adj[party])
        for _ in range(60):
            if relation == "direct" and near:
                pick = rng.choice(near)
            elif relation == "two steps" and near:
                middle = rng.choice(near)
                further = list(self.network.adj[middle])
                pick = rng.choice(further) if further else party
            else:
                colleagues = self.by_force[self.force[party]] if rng.random() < 0.8 else list(self.force)
                pick = rng.choice(colleagues)
            if pick not in parties and self.outcome(pick, parties) == relation:
                return pick
        return None


def plan(world: World, rng: random.Random, per_kind: int, subjects: int) -> dict[str, Any]:
    checks = []
    for kind in PARTY_KINDS:
        pool = world.by_kind["constable or staff" if kind == "two parties" else kind]
        for _ in range(per_kind):
            party = rng.choice(pool)
            parties = [party]
            if kind == "two parties":
                parties.append(rng.choice(world.by_force[world.force[party]]))
            for relation in RELATIONS:
                candidate = world.candidate(rng, parties, relation)
                if candidate is not None:
                    checks.append({"kind": kind, "relation": relation, "candidate": candidate, "parties": parties})
    rng.shuffle(checks)
    return {"checks": checks, "lists": _listings(world, rng), "exclusions": _exclusions(world, rng, subjects)}


def _met_people(world: World, ranks: set[str]) -> list[int]:
    return [p for p in world.by_force[world.met] if world.rank[p] in ranks]


LISTING_PARTIES = [
    ("constable", {"PC"}),
    ("constable", {"PC"}),
    ("detective constable", {"DC"}),
    ("sergeant", {"Sgt"}),
    ("inspector", {"Insp"}),
    ("superintendent", {"Supt"}),
    ("chief constable", {"CC"}),
]


def _listings(world: World, rng: random.Random) -> list[dict[str, Any]]:
    listings = []
    for label, ranks in LISTING_PARTIES:
        party = rng.choice(_met_people(world, ranks))
        listings.append({"party_kind": label, "parties": [party], "candidates": world.met_pool})
    return listings


EXCLUDED = [("chief constable", {"CC"}), ("superintendent", {"Supt"}), ("constable", {"PC"})]


def _exclusions(world: World, rng: random.Random, subjects: int) -> list[dict[str, Any]]:
    """A person of each rank against the subjects of every case a PSD lead can see: one set of cases
    for everyone, mostly strangers to each person, with some of each person's own connections among
    them (so that no answer is empty). bench/cases.py opens a case for each subject."""
    everyone = world.by_force[world.met]
    people = [(label, rng.choice(_met_people(world, ranks))) for label, ranks in EXCLUDED for _ in range(5)]
    chosen = set(rng.sample(everyone, min(subjects, len(everyone))))
    for _, person in people:
        near = list(world.network.adj[person])
        chosen |= set(rng.sample(near, min(len(near), 20)))
    pool = sorted(chosen)
    return [{"person_kind": label, "person": person, "subjects": pool} for label, person in people]
