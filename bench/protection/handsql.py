"""Each dashboard aggregate as one hand-written SQL query, for a viewer who may see no PPDA case (a
national analyst): every PPDA-linked breach is then in the locked category. Results come back in
the shape the ORM functions give, so the two can be compared for equality.

Month of report: PostgreSQL converts with AT TIME ZONE; SQLite's 'localtime' modifier reads the
process's time zone, which Django sets to TIME_ZONE (Europe/London) when it starts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.utils import timezone

from oversight.protection.dashboard import GENERAL, LOCKED, Counts, Period, Scope

COUNTS = """
    COUNT(*) AS reported,
    COUNT(CASE WHEN b.arrested_at IS NOT NULL THEN 1 END) AS arrested,
    COUNT(CASE WHEN b.charged_on IS NOT NULL THEN 1 END) AS charged,
    COUNT(CASE WHEN b.outcome = 'conviction' THEN 1 END) AS conviction,
    COUNT(CASE WHEN b.outcome = 'caution' THEN 1 END) AS caution,
    COUNT(CASE WHEN b.outcome = 'acquittal' THEN 1 END) AS acquittal,
    COUNT(CASE WHEN b.outcome = 'nfa' THEN 1 END) AS nfa,
    COUNT(CASE WHEN b.outcome = 'pending' THEN 1 END) AS pending,
    COUNT(CASE WHEN b.response = 'warning' THEN 1 END) AS warning,
    COUNT(CASE WHEN b.response = 'no_action' THEN 1 END) AS no_action,
    COUNT(CASE WHEN b.response = '' THEN 1 END) AS no_response
"""
LINKED = "m.restrained_person_id IN (SELECT person_id FROM cases_subject)"
NOT_LINKED = f"(m.restrained_person_id IS NULL OR NOT {LINKED})"


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _moment(moment: dt.datetime) -> Any:
    if _postgres():
        return moment
    return moment.astimezone(dt.UTC).replace(tzinfo=None).isoformat(sep=" ")


def _where(scope: Scope, period: Period) -> tuple[str, list[Any]]:
    start, after = period.bounds()
    sql, params = "b.reported_at >= %s AND b.reported_at < %s", [_moment(start), _moment(after)]
    if scope.force_ids is not None:
        sql += f" AND m.force_id IN ({', '.join(['%s'] * len(scope.force_ids))})"
        params += sorted(scope.force_ids)
    return sql, params


def _month(column: str) -> str:
    if _postgres():
        return f"CAST(date_trunc('month', {column} AT TIME ZONE 'Europe/London') AS date)"
    return f"strftime('%%Y-%%m-01', {column}, 'localtime')"


def _rows(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _counts(values: Sequence[Any]) -> Counts:
    return Counts(*values)


def _day(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


FROM = "FROM protection_breach b JOIN protection_measure m ON m.id = b.measure_id"


def funnel_by_category(scope: Scope, period: Period) -> dict[str, Counts]:
    where, params = _where(scope, period)
    category = f"CASE WHEN {LINKED} THEN '{LOCKED}' ELSE '{GENERAL}' END"
    sql = f"SELECT {category} AS category, {COUNTS} {FROM} WHERE {where} GROUP BY 1"
    return {row[0]: _counts(row[1:]) for row in _rows(sql, params)}


def by_measure_type(scope: Scope, period: Period) -> dict[str, Counts]:
    where, params = _where(scope, period)
    sql = f"""SELECT t.kind, {COUNTS} {FROM} JOIN protection_measuretype t ON t.id = m.measure_type_id
              WHERE {where} AND {NOT_LINKED} GROUP BY t.kind"""
    return {row[0]: _counts(row[1:]) for row in _rows(sql, params)}


def by_month(scope: Scope, period: Period) -> dict[dt.date, Counts]:
    where, params = _where(scope, period)
    sql = f"SELECT {_month('b.reported_at')}, {COUNTS} {FROM} WHERE {where} AND {NOT_LINKED} GROUP BY 1"
    return {_day(row[0]): _counts(row[1:]) for row in _rows(sql, params)}


def by_force(scope: Scope, period: Period) -> dict[int, Counts]:
    where, params = _where(scope, period)
    sql = f"""SELECT m.force_id, o.name, {COUNTS} {FROM} JOIN organisations_organisation o ON o.id = m.force_id
              WHERE {where} AND {NOT_LINKED} GROUP BY m.force_id, o.name ORDER BY o.name"""
    return {row[0]: _counts(row[2:]) for row in _rows(sql, params)}


def median_hours_to_arrest(scope: Scope, period: Period, arrested: int) -> float | None:
    if not arrested:
        return None
    where, params = _where(scope, period)
    if _postgres():
        waited = "EXTRACT(EPOCH FROM b.arrested_at - b.reported_at)"
    else:
        waited = "(julianday(b.arrested_at) - julianday(b.reported_at)) * 86400.0"
    sql = f"""SELECT {waited} AS waited {FROM} WHERE {where} AND {NOT_LINKED} AND b.arrested_at IS NOT NULL
              ORDER BY waited LIMIT %s OFFSET %s"""
    middle = [float(row[0]) for row in _rows(sql, [*params, 2 - arrested % 2, (arrested - 1) // 2])]
    return round(sum(middle) / len(middle) / 3600, 1)


def breach_months(scope: Scope, period: Period) -> dict[tuple[int, dt.date], tuple[int, int, int]]:
    """The plan measures' numbers: reported, arrested and charged by force and month."""
    where, params = _where(scope, period)
    sql = f"""SELECT m.force_id, {_month("b.reported_at")}, COUNT(*),
                     COUNT(CASE WHEN b.arrested_at IS NOT NULL THEN 1 END),
                     COUNT(CASE WHEN b.charged_on IS NOT NULL THEN 1 END)
              {FROM} WHERE {where} AND {NOT_LINKED} GROUP BY 1, 2"""
    return {(row[0], _day(row[1])): (row[2], row[3], row[4]) for row in _rows(sql, params)}


def local_today() -> dt.date:
    return timezone.localdate()
