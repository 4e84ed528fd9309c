"""Charts as inline SVG, drawn on the server: no JavaScript, no build step, nothing to download.

Each chart is a <figure> with a caption, a legend, an SVG that scales to its container (the viewBox is
sized for a phone, so text stays legible there and grows on wider screens) and, for screen readers
and anyone who prefers numbers, the same data as a visually hidden table. Colours come from the
studio's branding (CSS variables `--primary` and `--accent`), so the charts wear the studio's colours.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import count

from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH, HEIGHT = 360, 190
LEFT, RIGHT, TOP, BOTTOM = 40, 14, 16, 30
PALETTE = ("var(--primary)", "var(--accent)", "#8250df", "#1a7f37", "#bf3989", "#0a7b83")
_ids = count(1)


@dataclass(frozen=True)
class Series:
    label: str
    points: Sequence[tuple[date, float]]


@dataclass(frozen=True)
class Bar:
    label: str  # under the bar
    value: float
    text: str  # the value as people read it
    tone: str = ""  # "", "good", "fair", "poor", "current"


def adherence_tone(percent: int | None) -> str:
    """The bar tone of an adherence percentage: good from 80, fair from 50, poor below, none without data."""
    if percent is None:
        return ""
    return "good" if percent >= 80 else "fair" if percent >= 50 else "poor"


def nice_ticks(low: float, high: float, count_wanted: int = 4) -> list[float]:
    """Round tick values covering [low, high]: steps of 1, 2, 2.5 or 5 times a power of ten."""
    if high <= low:
        high = low + (abs(low) or 1)
    raw = (high - low) / count_wanted
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.floor(low / step) * step
    ticks = [first]
    while ticks[-1] < high - 1e-9:
        ticks.append(ticks[-1] + step)
    return ticks


def _plain(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") if value % 1 else f"{value:.0f}"


def _n(value: float) -> str:
    """A coordinate to one decimal (format_html escapes its arguments, so numbers arrive formatted)."""
    return f"{value:.1f}"


def _short(day: date) -> str:
    return date_format(day, "j M")


def _frame(
    title: str, legend: SafeString, svg_body: SafeString, table: SafeString, description: str, chart_id: str
) -> SafeString:
    return format_html(
        '<figure class="chart" aria-labelledby="{id}-t"><figcaption id="{id}-t">{title}</figcaption>{legend}'
        '<svg viewBox="0 0 {w} {h}" role="img" aria-labelledby="{id}-t {id}-d" focusable="false">'
        '<desc id="{id}-d">{desc}</desc>{body}</svg>{table}</figure>',
        id=chart_id,
        title=title,
        legend=legend,
        w=WIDTH,
        h=HEIGHT,
        desc=description,
        body=svg_body,
        table=table,
    )


def _empty(title: str, message: str) -> SafeString:
    return format_html(
        '<figure class="chart empty"><figcaption>{}</figcaption><p class="muted">{}</p></figure>', title, message
    )


def _grid(ticks: list[float], y: Callable[[float], float], fmt: Callable[[float], str]) -> SafeString:
    return format_html_join(
        "",
        '<line class="grid" x1="{}" x2="{}" y1="{}" y2="{}"/><text class="tick" x="{}" y="{}">{}</text>',
        ((LEFT, WIDTH - RIGHT, _n(y(t)), _n(y(t)), LEFT - 6, _n(y(t) + 3.5), fmt(t)) for t in ticks),
    )


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> SafeString:
    head = format_html_join("", "<th>{}</th>", ((h,) for h in headers))
    body = format_html_join(
        "", "<tr>{}</tr>", ((format_html_join("", "<td>{}</td>", ((c,) for c in r)),) for r in rows)
    )
    return format_html('<table class="sr-only"><tr>{}</tr>{}</table>', head, body)


def line_chart(
    series: Sequence[Series],
    *,
    title: str,
    fmt: Callable[[float], str] = _plain,
    empty_message: str | None = None,
) -> SafeString:
    """Values over time: a line per series (an area under a single one), the last value labelled."""
    series = [s for s in series if s.points]
    if not series:
        return _empty(title, empty_message or _("Nothing recorded yet."))
    chart_id = f"chart{next(_ids)}"
    days = [day for s in series for day, _v in s.points]
    values = [value for s in series for _d, value in s.points]
    first, last = min(days), max(days)
    span = max((last - first).days, 1)
    spread = (max(values) - min(values)) or max(abs(max(values)) * 0.1, 1)
    ticks = nice_ticks(min(values) - spread * 0.15, max(values) + spread * 0.15)
    low, high = ticks[0], ticks[-1]
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(day: date) -> float:
        return LEFT + plot_w / 2 if first == last else LEFT + (day - first).days / span * plot_w

    def y(value: float) -> float:
        return TOP + (high - value) / (high - low) * plot_h

    parts = [_grid(ticks, y, fmt)]
    parts.append(
        format_html(
            '<text class="tick" x="{}" y="{}" text-anchor="start">{}</text>'
            '<text class="tick" x="{}" y="{}" text-anchor="end">{}</text>',
            LEFT,
            HEIGHT - 8,
            _short(first),
            WIDTH - RIGHT,
            HEIGHT - 8,
            _short(last),
        )
    )
    for index, one in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        coords = [(x(day), y(value), day, value) for day, value in one.points]
        path = " ".join(f"{'M' if i == 0 else 'L'}{cx:.1f},{cy:.1f}" for i, (cx, cy, _d, _v) in enumerate(coords))
        if len(series) == 1 and len(coords) > 1:
            gradient = f"{chart_id}-g"
            area = f"{path} L{coords[-1][0]:.1f},{TOP + plot_h} L{coords[0][0]:.1f},{TOP + plot_h} Z"
            parts.append(
                format_html(
                    '<defs><linearGradient id="{g}" x1="0" y1="0" x2="0" y2="1">'
                    '<stop offset="0" stop-color="{c}" stop-opacity=".28"/>'
                    '<stop offset="1" stop-color="{c}" stop-opacity="0"/></linearGradient></defs>'
                    '<path d="{a}" fill="url(#{g})"/>',
                    g=gradient,
                    c=colour,
                    a=area,
                )
            )
        parts.append(format_html('<path class="line" d="{}" stroke="{}"/>', path, colour))
        parts.append(
            format_html_join(
                "",
                '<circle class="dot" cx="{}" cy="{}" r="3" stroke="{}"><title>{}: {}</title></circle>',
                ((_n(cx), _n(cy), colour, _short(day), fmt(value)) for cx, cy, day, value in coords),
            )
        )
        end_x, end_y, _day, end_value = coords[-1]
        parts.append(
            format_html(
                '<circle cx="{}" cy="{}" r="5" fill="{}"/><text class="last" x="{}" y="{}" text-anchor="{}">{}</text>',
                _n(end_x),
                _n(end_y),
                colour,
                _n(end_x - 8 if end_x > WIDTH / 2 else end_x + 8),
                _n(end_y - 9 if end_y > TOP + 14 else end_y + 18),
                "end" if end_x > WIDTH / 2 else "start",
                fmt(end_value),
            )
        )
    legend = (
        format_html(
            '<ul class="legend">{}</ul>',
            format_html_join(
                "",
                '<li><svg class="swatch" viewBox="0 0 10 10" aria-hidden="true">'
                '<rect width="10" height="10" rx="3" fill="{}"/></svg>{}</li>',
                ((PALETTE[i % len(PALETTE)], s.label) for i, s in enumerate(series)),
            ),
        )
        if len(series) > 1
        else mark_safe("")
    )
    rows = [(s.label, _short(day), fmt(value)) for s in series for day, value in s.points]
    description = _("%(title)s from %(first)s to %(last)s.") % {
        "title": title,
        "first": _short(first),
        "last": _short(last),
    }
    table = _table([_("Series"), _("Date"), _("Value")], rows)
    return _frame(title, legend, mark_safe("".join(parts)), table, description, chart_id)  # noqa: S308 - escaped parts


def bar_chart(
    bars: Sequence[Bar],
    *,
    title: str,
    maximum: float | None = None,
    fmt: Callable[[float], str] = _plain,
    empty_message: str | None = None,
) -> SafeString:
    """One bar per period (weeks), labelled underneath; tones colour them (good / fair / poor / current)."""
    if not bars or all(bar.value == 0 for bar in bars):
        return _empty(title, empty_message or _("Nothing recorded yet."))
    chart_id = f"chart{next(_ids)}"
    ticks = nice_ticks(0, maximum if maximum is not None else max(bar.value for bar in bars))
    high = ticks[-1]
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / len(bars)
    width = max(min(slot * 0.62, 34), 3)

    def y(value: float) -> float:
        return TOP + (high - value) / high * plot_h

    parts = [_grid(ticks, y, fmt)]
    label_every = max(1, math.ceil(len(bars) / 6))
    for index, bar in enumerate(bars):
        left = LEFT + index * slot + (slot - width) / 2
        top = y(bar.value)
        parts.append(
            format_html(
                '<rect class="bar {}" x="{}" y="{}" width="{}" height="{}" rx="3"><title>{}: {}</title></rect>',
                bar.tone,
                _n(left),
                _n(top),
                _n(width),
                _n(max(TOP + plot_h - top, 0)),
                bar.label,
                bar.text,
            )
        )
        if (len(bars) - 1 - index) % label_every == 0:  # counted back from the latest, which is always labelled
            parts.append(
                format_html(
                    '<text class="tick" x="{}" y="{}" text-anchor="middle">{}</text>',
                    _n(left + width / 2),
                    HEIGHT - 8,
                    bar.label,
                )
            )
    description = _("%(title)s, %(n)d periods.") % {"title": title, "n": len(bars)}
    table = _table([_("Period"), _("Value")], [(bar.label, bar.text) for bar in bars])
    return _frame(title, mark_safe(""), mark_safe("".join(parts)), table, description, chart_id)  # noqa: S308
