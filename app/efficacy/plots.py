"""Kaplan-Meier and swimmer plots as PNG or SVG bytes (matplotlib, Agg, no pyplot).

matplotlib is imported inside the functions; figures are built on ``Figure`` objects
directly so that no global pyplot state is shared between requests.
"""
from __future__ import annotations

import io
from bisect import bisect_left
from dataclasses import dataclass, field

from app.efficacy.km import kaplan_meier

FORMATS = ("png", "svg")
_NICE_STEPS = (7, 14, 30, 60, 90, 180, 365, 730)
DAYS_PER_MONTH = 365.25 / 12  # the SAP convention for plotting months
DEFAULT_DPI = 300  # journals ask for ≥ 300 dpi line art
_MONTH_STEPS = (1, 2, 3, 6, 12)


@dataclass(frozen=True)
class SwimmerRow:
    """One patient's bar: days from C1D1 (day 1) with event markers."""

    patient_id: str
    treatment_days: int
    follow_up_days: int | None = None  # thin line after treatment, to last contact
    responses: tuple[tuple[int, str], ...] = ()  # (day, "CR"|"PR") markers
    progression_day: int | None = None
    death_day: int | None = None
    ongoing: bool = field(default=False)  # still on treatment at the cutoff: arrow
    end_reason: str | None = None  # why treatment ended ("progression", "toxicity" ...), printed at the bar end


def at_risk_counts(times, at_times) -> list[int]:
    """Number still at risk (observed time >= t) at each of ``at_times``, as R counts."""
    ordered = sorted(times)
    return [len(ordered) - bisect_left(ordered, t) for t in at_times]


def default_ticks(max_time: float, max_ticks: int = 8) -> list[int]:
    """Evenly spaced tick days from 0 with a readable step, covering ``max_time``."""
    step = next((s for s in _NICE_STEPS if max_time / s < max_ticks), _NICE_STEPS[-1])
    return list(range(0, int(max_time) + 1, step))


def month_ticks(max_days: float, max_ticks: int = 9) -> list[int]:
    """Tick positions in days at whole months (1, 2, 3, 6 or 12 apart) covering ``max_days``."""
    months = max_days / DAYS_PER_MONTH
    step = next((s for s in _MONTH_STEPS if months / s < max_ticks), _MONTH_STEPS[-1])
    return [round(m * DAYS_PER_MONTH) for m in range(0, int(months) + step + 1, step)
            if m * DAYS_PER_MONTH <= max_days + step * DAYS_PER_MONTH]


def km_plot(groups: dict, fmt: str = "png", ticks=None, title: str = "",
            xlabel: str | None = None, months: bool = True, dpi: int = DEFAULT_DPI) -> bytes:
    """KM curves of ``{label: (times, events)}`` (days from C1D1, day 1 = C1D1), for a journal.

    Each curve is drawn with its pointwise 95 % CI band (log transform, as R), censor marks,
    the median with its Brookmeyer–Crowley CI in the legend, and numbers at risk under the
    axis. The x axis is in months (days / 30.4375) unless ``months`` is False. A group with no
    events is drawn and says so on the plot, so a flat line is never mistaken for a result.
    """
    figure, curve_axes, table_axes = _km_figure(len(groups))
    all_times = [t for times, _ in groups.values() for t in times]
    if ticks is None:
        ticks = month_ticks(max(all_times, default=0)) if months else default_ticks(max(all_times, default=0))
    ticks = list(ticks)
    for row, (label, (times, events)) in enumerate(groups.items()):
        _draw_curve(curve_axes, label, times, events)
        _draw_at_risk_row(table_axes, row, label, at_risk_counts(times, ticks), ticks)
    right_edge = max([*ticks, *all_times, 1])
    xlabel = xlabel or ("Months from C1D1" if months else "Days from C1D1")
    _finish_km_axes(curve_axes, table_axes, ticks, right_edge, title, xlabel, len(groups))
    if months:
        curve_axes.set_xticklabels([f"{t / DAYS_PER_MONTH:.0f}" for t in ticks])
    return render(figure, fmt, dpi=dpi)


def _km_figure(n_groups: int):
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7, 4.5 + 0.3 * n_groups))
    grid = figure.add_gridspec(2, 1, height_ratios=[4, 0.6 + 0.3 * n_groups], hspace=0.35)
    curve_axes = figure.add_subplot(grid[0])
    return figure, curve_axes, figure.add_subplot(grid[1], sharex=curve_axes)


def median_label(label: str, times, events) -> str:
    """Legend text: n, events and the median with its 95 % CI in months ("NR" = not reached)."""
    from app.efficacy.statistics import summarize_survival

    summary = summarize_survival(times, events)
    months = lambda d: "NR" if d is None else f"{d / DAYS_PER_MONTH:.1f}"  # noqa: E731
    return (f"{label}: n={summary.n}, events={summary.events}, median {months(summary.median_days)} mo "
            f"(95% CI {months(summary.ci_lower_days)}–{months(summary.ci_upper_days)})")


def _draw_curve(axes, label, times, events) -> None:
    curve = kaplan_meier(times, events)
    xs, ys = [0.0, *curve.times], [1.0, *curve.survival]
    line = axes.step(xs, ys, where="post", label=median_label(label, times, events))[0]
    _draw_band(axes, curve, line.get_color())
    censored = [(t, s) for t, s, c in zip(curve.times, curve.survival, curve.n_censored) if c]
    if censored:
        axes.plot(*zip(*censored), "|", color=line.get_color(), markersize=8, markeredgewidth=1.2)
    if curve.events == 0:
        axes.text(0.5, 0.5, f"{label}: no events yet — every patient censored", transform=axes.transAxes,
                  ha="center", va="center", fontsize="medium", color=line.get_color(),
                  bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": line.get_color()})


def _draw_band(axes, curve, color) -> None:
    import math

    xs, lows, highs = [0.0], [1.0], [1.0]
    for t, low, high in zip(curve.times, curve.lower, curve.upper):
        if math.isnan(low) or math.isnan(high):
            break
        xs.append(t)
        lows.append(low)
        highs.append(high)
    if len(xs) > 1:
        axes.fill_between(xs, lows, highs, step="post", color=color, alpha=0.15, linewidth=0)


def _draw_at_risk_row(axes, row, label, counts, ticks) -> None:
    axes.text(-0.06, -row, label, ha="right", va="center", transform=axes.get_yaxis_transform())
    for tick, count in zip(ticks, counts):
        axes.text(tick, -row, str(count), ha="center", va="center")


def _finish_km_axes(curve_axes, table_axes, ticks, right_edge, title, xlabel, n_groups) -> None:
    curve_axes.set_ylim(0, 1.02)
    curve_axes.set_xlim(0, right_edge)
    curve_axes.set_xticks(ticks)
    curve_axes.set_ylabel("Survival probability")
    curve_axes.set_title(title)
    curve_axes.legend(loc="lower left", frameon=False)
    table_axes.set_ylim(-n_groups + 0.5, 0.5)
    table_axes.set_yticks([])
    table_axes.set_title("Number at risk", fontsize="small", loc="left")
    table_axes.set_xlabel(xlabel)
    for side in ("top", "right", "left"):
        table_axes.spines[side].set_visible(False)


def swimmer_plot(rows, fmt: str = "png", title: str = "", xlabel: str = "Days from C1D1",
                 dpi: int = DEFAULT_DPI) -> bytes:
    """One horizontal bar per patient: treatment, follow-up, responses, PD, death, ongoing,
    and the reason treatment ended written at the end of its bar."""
    from matplotlib.figure import Figure

    rows = list(rows)
    figure = Figure(figsize=(8, 1.5 + 0.3 * len(rows)))
    axes = figure.add_subplot()
    for y, row in enumerate(rows):
        _draw_swimmer_row(axes, y, row)
    axes.set_yticks(range(len(rows)), [row.patient_id for row in rows])
    axes.set_xlabel(xlabel)
    axes.set_title(title)
    _swimmer_legend(axes)
    return render(figure, fmt, dpi=dpi)


def _draw_swimmer_row(axes, y: int, row: SwimmerRow) -> None:
    axes.barh(y, row.treatment_days, height=0.6, color="#4c72b0")
    if row.follow_up_days and row.follow_up_days > row.treatment_days:
        axes.plot([row.treatment_days, row.follow_up_days], [y, y], color="grey", linewidth=1)
    for day, label in row.responses:
        axes.plot(day, y, "^" if label == "CR" else "o", color="#55a868", markersize=7)
    if row.progression_day is not None:
        axes.plot(row.progression_day, y, "D", color="#c44e52", markersize=6)
    if row.death_day is not None:
        axes.plot(row.death_day, y, "X", color="black", markersize=7)
    if row.ongoing:
        axes.annotate("", xy=(row.treatment_days + 25, y), xytext=(row.treatment_days, y),
                      arrowprops={"arrowstyle": "->", "color": "#4c72b0"})
    elif row.end_reason:
        axes.text(row.treatment_days, y + 0.32, row.end_reason, fontsize="x-small", color="#333333", va="bottom")


def _swimmer_legend(axes) -> None:
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], marker=m, color=c, linestyle="", label=text) for m, c, text in (
        ("^", "#55a868", "CR"), ("o", "#55a868", "PR"), ("D", "#c44e52", "Progression"),
        ("X", "black", "Death"), (">", "#4c72b0", "Ongoing"))]
    axes.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), fontsize="small", frameon=False)


def render(figure, fmt: str, dpi: int = DEFAULT_DPI) -> bytes:
    """The figure's bytes in ``fmt`` ("png" or "svg") via the Agg canvas, PNG at ``dpi``."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, got {fmt!r}")
    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format=fmt, bbox_inches="tight", dpi=dpi)
    return buffer.getvalue()
