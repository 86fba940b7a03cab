"""Small inline-SVG charts: numbers in, an ``<svg>`` string out.

Why hand-written: the report must open offline from one file, with no CDN and
no JavaScript that could fail; five chart shapes in plain SVG are less code and
less risk than inlining a charting library. Hover text uses SVG ``<title>``,
which every browser shows natively.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

import numpy as np

PALETTE = ("#4269d0", "#efb118", "#ff725c", "#6cc5b0", "#3ca951", "#ff8ab7", "#a463f2", "#97bbf5",
           "#9c6b4e", "#9498a0", "#1b9e77", "#d95f02")
KEPT, REMOVED, BEFORE, AFTER = "#4269d0", "#ff725c", "#9498a0", "#4269d0"


def colour(i: int | None) -> str:
    return "#9498a0" if i is None or i < 0 else PALETTE[i % len(PALETTE)]


def _svg(width: int, height: int, body: list[str], label: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
            f'role="img" aria-label="{escape(label)}" class="chart">' + "".join(body) + "</svg>")


def fmt(n: float) -> str:
    if abs(n) >= 1_000_000:
        return f"{n / 1_000_000:.1f}M"
    if abs(n) >= 10_000:
        return f"{n / 1000:.0f}k"
    return f"{n:,.0f}" if float(n).is_integer() else f"{n:.2f}"


def funnel(rows: Sequence[Mapping], width: int = 720) -> str:
    """One stacked bar per step: kept (blue) then removed (red), scaled to the largest input."""
    bar_h, gap, left = 26, 12, 150
    top = max((max(r["in"], r["kept"] + r["removed"]) for r in rows), default=1) or 1
    scale = (width - left - 90) / top
    body = []
    for i, r in enumerate(rows):
        y = i * (bar_h + gap) + 4
        kw, rw = r["kept"] * scale, r["removed"] * scale
        reasons = ", ".join(f"{k}: {v}" for k, v in sorted(r["reasons"].items(), key=lambda kv: -kv[1])) or "none"
        body.append(f'<text x="{left - 8}" y="{y + bar_h * 0.68}" text-anchor="end" class="lbl">{escape(r["step"])}</text>')
        body.append(f'<rect x="{left}" y="{y}" width="{kw:.1f}" height="{bar_h}" fill="{KEPT}" rx="3">'
                    f'<title>{escape(r["step"])}: {r["kept"]} kept of {r["in"]}</title></rect>')
        if r["removed"]:
            body.append(f'<rect x="{left + kw:.1f}" y="{y}" width="{max(rw, 2):.1f}" height="{bar_h}" fill="{REMOVED}" rx="3">'
                        f'<title>{escape(r["step"])}: {r["removed"]} removed ({escape(reasons)})</title></rect>')
        body.append(f'<text x="{left + kw + max(rw, 0) + 6:.1f}" y="{y + bar_h * 0.68}" class="num">'
                    f'{fmt(r["kept"])}{" / -" + fmt(r["removed"]) if r["removed"] else ""}</text>')
    return _svg(width, len(rows) * (bar_h + gap) + 4, body, "rows through the steps")


def bars(items: Sequence[tuple[str, float]], width: int = 520, fill: str = KEPT, unit: str = "") -> str:
    """Horizontal bars, largest first as given."""
    bar_h, gap, left = 20, 6, 170
    top = max((v for _, v in items), default=1) or 1
    scale = (width - left - 60) / top
    body = []
    for i, (label, value) in enumerate(items):
        y = i * (bar_h + gap) + 2
        body.append(f'<text x="{left - 8}" y="{y + bar_h * 0.72}" text-anchor="end" class="lbl">{escape(str(label))}</text>')
        body.append(f'<rect x="{left}" y="{y}" width="{max(value * scale, 1):.1f}" height="{bar_h}" fill="{fill}" rx="3">'
                    f'<title>{escape(str(label))}: {fmt(value)}{unit}</title></rect>')
        body.append(f'<text x="{left + value * scale + 6:.1f}" y="{y + bar_h * 0.72}" class="num">{fmt(value)}{unit}</text>')
    return _svg(width, max(len(items), 1) * (bar_h + gap) + 2, body, "bar chart")


def histogram(series: Mapping[str, Sequence[float]], width: int = 520, height: int = 200, bins: int = 30,
              colours: Sequence[str] = (BEFORE, AFTER), clip_quantile: float = 0.99, xlabel: str = "") -> str:
    """Overlaid step histograms of one or more series on shared bins (tail clipped at a quantile, said in the axis)."""
    arrays = {k: np.asarray(v, dtype=float) for k, v in series.items() if len(v)}
    if not arrays:
        return '<p class="muted">no values</p>'
    both = np.concatenate(list(arrays.values()))
    lo, hi = float(both.min()), float(np.quantile(both, clip_quantile))
    clipped = hi < float(both.max())
    if hi <= lo:
        hi = lo + 1
    edges = np.linspace(lo, hi, bins + 1)
    counts = {k: np.histogram(np.clip(a, lo, hi), edges)[0] for k, a in arrays.items()}
    top = max(int(c.max()) for c in counts.values()) or 1
    left, bottom, pad = 44, 28, 8
    pw, ph = width - left - pad, height - bottom - pad
    body = [f'<line x1="{left}" y1="{pad + ph}" x2="{left + pw}" y2="{pad + ph}" class="axis"/>',
            f'<text x="{left - 6}" y="{pad + 10}" text-anchor="end" class="tick">{fmt(top)}</text>',
            f'<text x="{left - 6}" y="{pad + ph}" text-anchor="end" class="tick">0</text>',
            f'<text x="{left}" y="{height - 8}" class="tick">{fmt(lo)}</text>',
            f'<text x="{left + pw}" y="{height - 8}" text-anchor="end" class="tick">{"≥" if clipped else ""}{fmt(hi)}</text>']
    if xlabel:
        body.append(f'<text x="{left + pw / 2}" y="{height - 8}" text-anchor="middle" class="tick">{escape(xlabel)}</text>')
    bw = pw / bins
    for (name, c), col in zip(counts.items(), colours, strict=False):
        for j, n in enumerate(c):
            if not n:
                continue
            h = n / top * ph
            body.append(f'<rect x="{left + j * bw:.1f}" y="{pad + ph - h:.1f}" width="{max(bw - 1, 1):.1f}" height="{h:.1f}" '
                        f'fill="{col}" fill-opacity="0.55"><title>{escape(name)}: {n} in [{fmt(edges[j])}, {fmt(edges[j + 1])})</title></rect>')
    return _svg(width, height, body, "histogram")


def scatter(points: Sequence[Mapping], width: int = 720, height: int = 460) -> str:
    """Points with ``x``, ``y``, ``group`` (colour index or None) and ``title`` (hover text)."""
    if not points:
        return '<p class="muted">no points</p>'
    xs = np.array([p["x"] for p in points], dtype=float)
    ys = np.array([p["y"] for p in points], dtype=float)
    pad = 14

    def scale(v: np.ndarray, size: float) -> np.ndarray:
        span = float(v.max() - v.min()) or 1.0
        return pad + (v - v.min()) / span * (size - 2 * pad)

    sx, sy = scale(xs, width), height - scale(ys, height)
    body = [f'<rect x="0" y="0" width="{width}" height="{height}" fill="#fafbfc" rx="6"/>']
    for p, x, y in zip(points, sx, sy, strict=True):
        body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4.5" fill="{colour(p["group"])}" fill-opacity="0.8" '
                    f'stroke="#fff" stroke-width="0.6"><title>{escape(p["title"])}</title></circle>')
    return _svg(width, height, body, "2-D projection of the embeddings")


def stacked_columns(columns: Sequence[tuple[str, Mapping[str, float]]], keys: Sequence[str], width: int = 520,
                    height: int = 220) -> str:
    """One 100%-stacked column per entry (e.g. per split), segments per key (e.g. per stratum)."""
    left, bottom, pad = 8, 24, 8
    cw = (width - left - pad) / max(len(columns), 1)
    ph = height - bottom - pad
    body = []
    for i, (name, parts) in enumerate(columns):
        total = sum(parts.values()) or 1
        y = pad + ph
        x = left + i * cw + cw * 0.15
        for j, key in enumerate(keys):
            v = parts.get(key, 0)
            if not v:
                continue
            h = v / total * ph
            y -= h
            body.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{cw * 0.7:.1f}" height="{h:.1f}" fill="{colour(j)}">'
                        f'<title>{escape(name)} / {escape(key)}: {fmt(v)} ({100 * v / total:.1f}%)</title></rect>')
        body.append(f'<text x="{x + cw * 0.35:.1f}" y="{height - 6}" text-anchor="middle" class="lbl">{escape(name)} ({fmt(total)})</text>')
    return _svg(width, height, body, "split balance by stratum")


def legend(labels: Sequence[tuple[int | None, str]]) -> str:
    items = "".join(f'<span class="key"><i style="background:{colour(i)}"></i>{escape(t)}</span>' for i, t in labels)
    return f'<div class="legend">{items}</div>'
