"""The charts of the admin page (bot/office/charts.py): SVG drawn on the server."""
import re

import pytest

from bot.office import charts, conversations


@pytest.mark.parametrize("kind", ["bar", "line", "hbar"])
def test_a_chart_has_one_element_per_value_and_loads_nothing(kind):
    values = [3, None, 0, 12.5, 7] if kind == "line" else [3, 0, 5, 1]
    chart = conversations.Chart("x", "Titel", kind, [f"dag {i}" for i in range(len(values))], values, "Aantal",
                                unit="%" if kind == "line" else "")
    drawing = charts.svg(chart)
    assert drawing.startswith("<svg") and drawing.count("tooltip-trigger") == sum(v is not None for v in values)
    assert not re.search(r"(href|src)=\"(https?:)?//", drawing)  # nothing from another site
    assert "dag 3" in drawing
