"""The charts of the admin page's Gesprekken page: SVG made on the server by pygal.

The SVG is served as an image (`<img>` with an alt text, and the same figures in a table next
to it), so the page itself needs no script and no inline style. pygal's own script tags are
switched off (js=[]): an SVG shown as an image runs no script anyway, and the response's
Content-Security-Policy (bot/office/admin.py) allows only its inline style.
"""

from __future__ import annotations

import pygal
from pygal.style import Style

from bot.office.conversations import Chart, dutch_number

STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1f2933",
    foreground_strong="#1f2933",
    foreground_subtle="#9aa5b1",
    colors=("#1d4f91",),
    opacity="1",
    opacity_hover=".8",
    font_family="system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif",
    label_font_size=13,
    major_label_font_size=13,
    value_font_size=13,
    title_font_size=18,
    tooltip_font_size=14,
    no_data_font_size=20,
)
KINDS = {"bar": pygal.Bar, "line": pygal.Line, "hbar": pygal.HorizontalBar}


def svg(chart: Chart) -> str:
    """One chart as an SVG document: one bar or dot per value (None: no dot)."""
    many = len(chart.labels) > 14
    config = dict(
        style=STYLE,
        js=[],
        disable_xml_declaration=True,
        show_legend=False,
        width=800,
        height=380 if chart.kind != "hbar" else 60 + 36 * max(len(chart.labels), 3),
        no_data_text="Nog geen gegevens",
        print_values=not many,
        print_zeroes=False,
        print_values_position="top",
        x_label_rotation=45 if many else 0,
        truncate_label=-1,
        show_minor_x_labels=not many,
        x_labels_major_every=7 if many else None,
        margin=16,
        spacing=12,
        value_formatter=(lambda v: f"{dutch_number(v)} %") if chart.unit == "%" else (lambda v: f"{v:.0f}"),
        range=(0, 100) if chart.unit == "%" else None,
        min_scale=1,
        max_scale=6,
        order_min=0,
    )
    if chart.kind == "line":
        config.update(dots_size=4, fill=False)
    drawing = KINDS[chart.kind](**config)
    order = slice(None, None, -1) if chart.kind == "hbar" else slice(None)  # (pygal draws hbar bottom-up)
    drawing.x_labels = chart.labels[order]
    drawing.add(chart.column, chart.values[order])
    return drawing.render(is_unicode=True)
