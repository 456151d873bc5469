"""The dashboard's charts as inline SVG drawn by matplotlib, each beside a table of the same numbers.

Inline SVG must live with the content security policy, which allows no inline style: every `style`
attribute matplotlib writes becomes the SVG presentation attributes it stands for (which are not
styles), and its `<style>` element is dropped. The chart is named for assistive technology by
`role="img"` and a `<title>`; the table beside it carries the numbers.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence

from django.utils.html import escape
from matplotlib import rc_context
from matplotlib.figure import Figure

BLUE, GREEN, RED, GREY = "#1d70b8", "#00703c", "#d4351c", "#505a5f"
STYLE = re.compile(r'\sstyle="([^"]*)"')
STYLE_ELEMENT = re.compile(r"<style[^>]*>.*?</style>", re.DOTALL)
PROLOGUE = re.compile(r"^.*?(?=<svg)", re.DOTALL)
METADATA = re.compile(r"<metadata>.*?</metadata>", re.DOTALL)
SIZE = re.compile(r'(<svg[^>]*?) width="[^"]*" height="[^"]*"')


def _attributes(match: re.Match[str]) -> str:
    pairs = (part.split(":", 1) for part in match.group(1).split(";") if ":" in part)
    return "".join(f' {name.strip()}="{value.strip()}"' for name, value in pairs)


def inline_svg(figure: Figure, title: str, chart_id: str) -> str:
    """The figure as an `<svg>` element for the page: no prologue, no styles, named by its title."""
    buffer = io.StringIO()
    with rc_context({"svg.hashsalt": chart_id}):  # stable ids: the same figures, the same bytes
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    svg = METADATA.sub("", STYLE_ELEMENT.sub("", PROLOGUE.sub("", buffer.getvalue())))
    svg = SIZE.sub(r'\1 width="100%"', STYLE.sub(_attributes, svg), count=1)  # as wide as its column
    opening = f'<svg role="img" aria-labelledby="{chart_id}-title" class="app-chart"'
    named = svg.replace("<svg", opening, 1)
    head_end = named.index(">") + 1
    return f'{named[:head_end]}<title id="{chart_id}-title">{escape(title)}</title>{named[head_end:]}'


def funnel_chart(stages: Sequence[tuple[str, int]], title: str) -> str:
    """Horizontal bars from reported down to convicted, each labelled with its number."""
    labels, values = [s for s, _ in stages], [n for _, n in stages]
    figure = Figure(figsize=(6.0, 2.4), dpi=100)
    axes = figure.add_subplot()
    bars = axes.barh(labels, values, color=BLUE)
    axes.bar_label(bars, padding=3)
    axes.invert_yaxis()
    axes.set_xlabel("Breaches")
    axes.spines[["top", "right"]].set_visible(False)
    axes.set_xlim(0, max([*values, 1]) * 1.15)
    figure.tight_layout()
    return inline_svg(figure, title, "funnel-chart")


def trend_chart(months: Sequence[dt.date], series: Sequence[tuple[str, Sequence[int], str]], title: str) -> str:
    """One line per series over the months, each with its own marker (not told apart by colour alone)."""
    figure = Figure(figsize=(7.0, 2.8), dpi=100)
    axes = figure.add_subplot()
    positions = range(len(months))
    for (name, values, colour), marker in zip(series, ("o", "s", "^", "D"), strict=False):
        axes.plot(positions, values, marker=marker, color=colour, label=name)
    axes.set_xticks(positions, [f"{m:%b %Y}" for m in months])
    axes.set_ylabel("Breaches")
    axes.set_ylim(bottom=0)
    axes.legend(frameon=False, loc="upper left")
    axes.tick_params(axis="x", labelrotation=45)
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    return inline_svg(figure, title, "trend-chart")


def plan_chart(rows: Sequence[tuple[str, float | None, float]], title: str) -> str:
    """Each plan measure's share as a bar, its target as a marked line across it."""
    figure = Figure(figsize=(6.0, 0.6 + 0.6 * max(len(rows), 1)), dpi=100)
    axes = figure.add_subplot()
    names = [name for name, _, _ in rows]
    shares = [share or 0.0 for _, share, _ in rows]
    axes.barh(names, shares, color=BLUE)
    for position, (_, share, target) in enumerate(rows):
        axes.plot([target, target], [position - 0.4, position + 0.4], color=GREY, linewidth=2, linestyle="--")
        words = f"{share:.1f}% (target {target:g}%)" if share is not None else f"no figures (target {target:g}%)"
        axes.text(max(share or 0.0, target) + 2, position, words, va="center")
    axes.invert_yaxis()
    axes.set_xlim(0, 150)  # room for the words beside the bar
    axes.set_xticks(range(0, 101, 20))
    axes.set_xlabel("Per cent (dashed line: target)")
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    return inline_svg(figure, title, "plan-chart")
