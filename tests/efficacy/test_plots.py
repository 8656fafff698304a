"""Plots: valid PNG/SVG bytes; the at-risk numbers and ticks are checked as numbers."""
import pytest

from app.efficacy.plots import SwimmerRow, at_risk_counts, default_ticks, km_plot, swimmer_plot

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("times, at, expected", [
    ([5, 10, 10, 20, 30], [0, 5, 6, 10, 11, 30, 31], [5, 5, 4, 4, 2, 1, 0]),  # at risk = time >= t
    ([], [0, 10], [0, 0]),
])
def test_at_risk_counts(times, at, expected):
    assert at_risk_counts(times, at) == expected


@pytest.mark.parametrize("max_time, expected", [
    (100, [0, 14, 28, 42, 56, 70, 84, 98]), (700, [0, 90, 180, 270, 360, 450, 540, 630]),
    (1022, [0, 180, 360, 540, 720, 900]), (0, [0]),
])
def test_default_ticks(max_time, expected):
    assert default_ticks(max_time) == expected


def test_km_plot_png_and_svg():
    groups = {"all": ([30, 60, 90, 120, 150], [1, 0, 1, 1, 0]), "liver": ([40, 80], [0, 1])}
    assert km_plot(groups, "png", title="OS").startswith(PNG_MAGIC)
    svg = km_plot(groups, "svg")
    assert b"<svg" in svg[:1000] and svg.rstrip().endswith(b"</svg>")


def test_swimmer_plot_png_and_svg():
    rows = [SwimmerRow("P01", 200, 300, ((43, "PR"), (85, "CR")), ongoing=True),
            SwimmerRow("P02", 120, 250, (), progression_day=127, death_day=240)]
    assert swimmer_plot(rows, "png").startswith(PNG_MAGIC)
    assert b"<svg" in swimmer_plot(rows, "svg")[:1000]


def test_unknown_format_is_rejected():
    with pytest.raises(ValueError, match="format"):
        km_plot({"a": ([1, 2], [1, 0])}, "gif")


def test_km_for_a_journal_is_300_dpi_in_months_with_the_median_in_the_legend():
    from io import BytesIO

    from matplotlib.image import imread

    from app.efficacy.plots import km_plot, median_label, month_ticks

    groups = {"OS": ([30, 60, 90, 120, 200, 250, 300, 400], [1, 1, 0, 1, 1, 0, 1, 0])}
    low = imread(BytesIO(km_plot(groups, "png", dpi=100)))
    high = imread(BytesIO(km_plot(groups, "png", dpi=300)))
    assert high.shape[0] > 2.5 * low.shape[0]  # resolution follows dpi
    assert median_label("OS", *groups["OS"]).startswith("OS: n=8, events=5, median ")
    assert "(95% CI" in median_label("OS", *groups["OS"])
    svg = km_plot(groups, "svg").decode()
    assert "Months from C1D1" in svg and "Number at risk" in svg
    assert month_ticks(400)[:3] == [0, 61, 122]  # 2-monthly ticks, in days


def test_a_curve_without_events_says_so_on_the_plot():
    from app.efficacy.plots import km_plot, median_label

    svg = km_plot({"PFS": ([10, 20, 30], [0, 0, 0])}, "svg").decode()
    assert "no events yet" in svg
    assert "median NR mo" in median_label("PFS", [10, 20, 30], [0, 0, 0])


def test_swimmer_bars_say_why_treatment_ended():
    from app.efficacy.plots import SwimmerRow, swimmer_plot

    rows = [SwimmerRow("BJ-001", 120, 200, ((42, "PR"),), 168, None, False, "progression"),
            SwimmerRow("BJ-002", 90, None, (), None, None, True)]
    svg = swimmer_plot(rows, "svg").decode()
    assert "progression" in svg and "BJ-002" in svg
