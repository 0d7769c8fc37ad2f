"""Charts drawn on the server as inline SVG: nothing to load, nothing from the internet."""
from django.utils.html import escape
from django.utils.safestring import mark_safe

PALETTE = ["#0d6efd", "#198754", "#fd7e14", "#6f42c1", "#20c997", "#dc3545", "#6c757d", "#0dcaf0", "#ffc107", "#d63384"]


def _legend(names, x, y):
    parts = []
    for i, name in enumerate(names):
        px = x + (i % 4) * 120
        py = y + (i // 4) * 16
        parts.append(
            f'<rect x="{px}" y="{py - 9}" width="10" height="10" fill="{PALETTE[i % len(PALETTE)]}"/>'
            f'<text x="{px + 14}" y="{py}" font-size="11">{escape(name)}</text>'
        )
    return "".join(parts)


def stacked_bars(labels, series, *, title, height=220):
    """Stacked columns: ``labels`` along the bottom, ``series`` = [(name, [value per label]), ...]."""
    width, left, bottom, top = 560, 34, 28, 20
    legend_rows = (len(series) + 3) // 4
    totals = [sum(values[i] for _name, values in series) for i in range(len(labels))]
    peak = max(totals + [1])
    plot_h = height - bottom - top
    step = (width - left - 10) / max(len(labels), 1)
    bar = step * 0.6
    out = [f'<svg viewBox="0 0 {width} {height + legend_rows * 16 + 6}" role="img" aria-label="{escape(title)}" '
           f'class="chart" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>']
    out.append(f'<text x="{left - 4}" y="{top + 4}" font-size="10" text-anchor="end">{peak}</text>')
    out.append(f'<line x1="{left}" y1="{height - bottom}" x2="{width - 10}" y2="{height - bottom}" stroke="#999"/>')
    for i, label in enumerate(labels):
        x = left + i * step + (step - bar) / 2
        y = height - bottom
        for s, (name, values) in enumerate(series):
            h = plot_h * values[i] / peak
            if h:
                out.append(f'<rect x="{x:.1f}" y="{y - h:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                           f'fill="{PALETTE[s % len(PALETTE)]}"><title>{escape(label)} {escape(name)}: {values[i]}</title></rect>')
            y -= h
        out.append(f'<text x="{x + bar / 2:.1f}" y="{height - bottom + 14}" font-size="10" text-anchor="middle">{escape(label)}</text>')
        if totals[i]:
            out.append(f'<text x="{x + bar / 2:.1f}" y="{y - 3:.1f}" font-size="9" text-anchor="middle">{totals[i]}</text>')
    out.append(_legend([name for name, _values in series], left, height + 10))
    out.append("</svg>")
    return mark_safe("".join(out))


def horizontal_bars(items, *, title, colours=None):
    """One bar per (label, value); ``colours`` optionally gives each bar its colour."""
    row, left, width = 22, 130, 560
    height = max(len(items), 1) * row + 10
    peak = max([value for _label, value in items] + [1])
    out = [f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" class="chart" '
           f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>']
    for i, (label, value) in enumerate(items):
        y = 5 + i * row
        w = (width - left - 40) * value / peak
        colour = (colours or {}).get(label, PALETTE[0])
        out.append(f'<text x="{left - 6}" y="{y + 14}" font-size="11" text-anchor="end">{escape(label)}</text>')
        out.append(f'<rect x="{left}" y="{y + 3}" width="{w:.1f}" height="{row - 8}" fill="{escape(colour)}"/>')
        out.append(f'<text x="{left + w + 4:.1f}" y="{y + 14}" font-size="11">{value}</text>')
    out.append("</svg>")
    return mark_safe("".join(out))


def rate_line(labels, rates, *, title, target=None):
    """A line of percentages (None where a month has nothing due), with an optional target line."""
    width, height, left, bottom, top = 560, 200, 34, 28, 14
    plot_h = height - bottom - top
    step = (width - left - 10) / max(len(labels) - 1, 1)
    out = [f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" class="chart" '
           f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>']
    for pct in (0, 50, 100):
        y = top + plot_h * (1 - pct / 100)
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - 10}" y2="{y:.1f}" stroke="#e5e5e5"/>'
                   f'<text x="{left - 4}" y="{y + 3:.1f}" font-size="10" text-anchor="end">{pct}%</text>')
    if target is not None:
        y = top + plot_h * (1 - float(target) / 100)
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - 10}" y2="{y:.1f}" stroke="#dc3545" stroke-dasharray="4 3"/>')
    points = []
    for i, (label, rate) in enumerate(zip(labels, rates)):
        x = left + i * step
        out.append(f'<text x="{x:.1f}" y="{height - bottom + 14}" font-size="10" text-anchor="middle">{escape(label)}</text>')
        if rate is not None:
            y = top + plot_h * (1 - float(rate) / 100)
            points.append(f"{x:.1f},{y:.1f}")
            out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{PALETTE[1]}"><title>{escape(label)}: {rate}%</title></circle>')
    if len(points) > 1:
        out.append(f'<polyline points="{" ".join(points)}" fill="none" stroke="{PALETTE[1]}" stroke-width="2"/>')
    out.append("</svg>")
    return mark_safe("".join(out))
