"""The database restarted under load: restart the PostgreSQL cluster the run's database lives in, then
check that nothing written is half there.

The cluster is found by the database URL's port (`pg_lsclusters`) and restarted with
`pg_ctlcluster --skip-systemctl-redirect VERSION NAME stop`, then `start` once it has been down for
the seconds asked (as root; a bare `restart` is over in about three seconds, often between two
pages of every simulated user). Run it on a cluster of its
own (README, "Benchmark"), never on one other people are using.

The check after the run: every progress update the server answered as saved is in the database
exactly once and whole; an update whose answer was lost may be there or not, but whole if there;
and every B-tree index of the tables written during the run passes PostgreSQL's amcheck
(`bt_index_check` with `heapallindexed`: each row the table holds is found by the index).
"""

from __future__ import annotations

import subprocess
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse


@dataclass(frozen=True)
class Cluster:
    version: str
    name: str
    port: int


def cluster_of(database: str) -> Cluster:
    """The local cluster serving the database URL's port."""
    port = urlparse(database).port or 5432
    listing = subprocess.run(["pg_lsclusters", "--no-header"], capture_output=True, text=True, check=True).stdout  # noqa: S607
    for line in listing.splitlines():
        version, name, cluster_port, *_ = line.split()
        if int(cluster_port) == port:
            return Cluster(version, name, port)
    raise SystemExit(f"No local PostgreSQL cluster listens on port {port}: cannot restart it.")


def refuse_if_shared(database: str) -> None:
    """Stop before the run if anyone is connected to another database of the cluster: restarting it
    would break their work (the load test restarts only a cluster of its own)."""
    import psycopg

    url = urlparse(database)
    name = url.path.lstrip("/")
    with psycopg.connect(database) as connection:
        others = connection.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' "
            "AND datname IS DISTINCT FROM %s",
            [name],
        ).fetchone()
    if others and others[0]:
        raise SystemExit(f"{others[0]} sessions use other databases of this cluster: not restarting it under them.")


def restart(cluster: Cluster, down_for: float) -> dict[str, float]:
    """Stop the cluster (fast shutdown: open connections are cut), keep it down `down_for` seconds,
    start it again; Unix times at the start and when it was back up."""
    began = time.time()
    _ctl(cluster, "stop")
    time.sleep(down_for)
    _ctl(cluster, "start")
    return {"began": began, "returned": time.time()}


def _ctl(cluster: Cluster, action: str) -> None:
    command = ["pg_ctlcluster", "--skip-systemctl-redirect", cluster.version, cluster.name, action]
    subprocess.run(command, check=True, capture_output=True, timeout=120)  # noqa: S603


def check_writes(saved: list[str], failed: list[str]) -> dict[str, Any]:
    """Saved updates present once each and whole; unanswered ones present at most once, whole."""
    from django.db.models import Count

    from oversight.recommendations.models import ProgressUpdate

    texts = saved + failed
    rows = ProgressUpdate.objects.filter(text__in=texts).values("text").annotate(n=Count("pk")).order_by()
    found = {row["text"]: row["n"] for row in rows}
    # Texts are matched whole: a row cut short, or written twice, does not count as found once.
    missing = [text for text in saved if found.get(text, 0) != 1]
    doubled = [text for text in failed if found.get(text, 0) > 1]
    return {
        "saved": len(saved),
        "saved_found_once": len(saved) - len(missing),
        "unanswered": len(failed),
        "unanswered_found": sum(1 for text in failed if found.get(text)),
        "doubled": len(doubled),
        "ok": not missing and not doubled,
    }


def written_tables() -> list[str]:
    """The tables the run writes to: progress updates, sessions, and the read log of locked records."""
    from django.contrib.sessions.models import Session

    from oversight.audit.models import ReadLog
    from oversight.recommendations.models import ProgressUpdate

    return [model._meta.db_table for model in (ProgressUpdate, Session, ReadLog)]


def check_indexes() -> dict[str, Any]:
    """amcheck on every B-tree index of the written tables: {"checked": n, "ok": bool} or why not."""
    from django.db import connection

    with connection.cursor() as cursor:
        try:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS amcheck")
        except Exception as error:  # reported, not hidden: the check is then not made
            return {"checked": 0, "ok": None, "why": type(error).__name__}
        cursor.execute(
            "SELECT c.oid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "JOIN pg_class t ON t.oid = i.indrelid JOIN pg_am a ON a.oid = c.relam "
            "WHERE t.relname = ANY(%s) AND a.amname = 'btree'",
            [written_tables()],
        )
        indexes = [row[0] for row in cursor.fetchall()]
        for index in indexes:  # raises on the first index that does not match its table
            cursor.execute("SELECT bt_index_check(%s::oid::regclass, true)", [index])
    return {"checked": len(indexes), "ok": True}
