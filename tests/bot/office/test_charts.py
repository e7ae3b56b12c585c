"""The charts of the admin page (bot/office/charts.py): SVG drawn on the server."""

import re

import pytest

from bot.office import charts, conversations


@pytest.mark.parametrize("kind", ["bar", "line", "hbar"])
def test_a_chart_has_one_element_per_value_and_loads_nothing(kind):
    values = [3, None, 0, 12.5, 7] if kind == "line" else [3, 0, 5, 1]
    chart = conversations.Chart(
        "x",
        "Titel",
        kind,
        [f"dag {i}" for i in range(len(values))],
        values,
        "Aantal",
        unit="%" if kind == "line" else "",
    )
    drawing = charts.svg(chart)
    assert drawing.startswith("<svg") and drawing.count("tooltip-trigger") == sum(
        v is not None for v in values
    )
    assert not re.search(r"(href|src)=\"(https?:)?//", drawing)  # nothing from another site
    assert "dag 3" in drawing


def test_shares_are_dutch_percentages_on_a_scale_of_0_to_100():
    chart = conversations.Chart(
        "terugval", "Terugval", "line", ["ma", "di", "wo"], [33.3, None, 50.0], "Terugval", unit="%"
    )
    drawing = charts.svg(chart)
    assert "33,3 %" in drawing and "50,0 %" in drawing and "33.3" not in drawing
    assert "100,0 %" in drawing and "120,0 %" not in drawing  # the axis ends at 100


def test_a_long_period_prints_no_values_on_its_bars_and_slants_its_labels():
    def printed(values):
        labels = [f"dag {i}" for i in range(len(values))]
        chart = conversations.Chart("x", "Titel", "bar", labels, values, "Aantal")
        drawing = charts.svg(chart)
        return len(re.findall(r'class="value', drawing)), "rotate(45" in drawing

    assert printed(list(range(1, 6))) == (10, False)  # a tooltip and a printed value per bar
    assert printed(list(range(1, 21))) == (20, True)  # only the tooltips


def test_a_lying_bar_chart_lists_its_labels_top_down_in_their_order():
    chart = conversations.Chart(
        "onderwerpen", "Onderwerpen", "hbar", ["eerste", "tweede", "derde"], [5, 3, 1], "Berichten"
    )
    drawing = charts.svg(chart)
    height = {
        m.group(2): float(m.group(1))
        for m in re.finditer(r'<text[^>]*y="([\d.]+)"[^>]*>(eerste|tweede|derde)<', drawing)
    }
    assert height["eerste"] < height["tweede"] < height["derde"]  # the most asked on top
