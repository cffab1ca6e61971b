"""Inline SVG charts (no external assets): grouped horizontal bars and stacked horizontal bars."""

from __future__ import annotations

from html import escape

MODEL_COLORS = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#b07aa1", "#edc948", "#9c755f", "#ff9da7", "#bab0ac"]

CHART_W = 1060
VALUE_W = 64
BAR_H = 14
BAR_GAP = 3
GROUP_MIN_H = 32
GROUP_GAP = 14
AXIS_H = 22


def model_color(index: int) -> str:
    return MODEL_COLORS[index % len(MODEL_COLORS)]


def pct_label(value: float) -> str:
    text = f"{value * 100:.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return text + "%"


def _truncate(text: str, limit: int) -> str:
    """Shorten to `limit` characters, keeping both ends (model names differ at the end: dates, sizes)."""
    if len(text) <= limit:
        return text
    head = (limit - 1) * 2 // 3
    return text[:head] + "…" + text[len(text) - (limit - 1 - head) :]


MAX_LABEL_CHARS = 44


def _label_width(labels: list[str]) -> int:
    """Room for the longest (bold, 12px) row label, within sensible bounds."""
    longest = max((min(len(t), MAX_LABEL_CHARS) for t in labels), default=10)
    return int(min(max(longest * 7.2 + 24, 150), 340))


def _axis(height: int, label_w: int, bar_w: float) -> list[str]:
    parts = []
    for tick in (0, 25, 50, 75, 100):
        x = label_w + bar_w * tick / 100
        parts.append(f'<line class="grid" x1="{x:.1f}" y1="{AXIS_H - 6}" x2="{x:.1f}" y2="{height}"/>')
        parts.append(f'<text class="tick" x="{x:.1f}" y="{AXIS_H - 10}" text-anchor="middle">{tick}%</text>')
    return parts


def grouped_bar_chart(groups: list[tuple[str, str, list[float | None]]], models: list[str], label: str) -> str:
    """One group per row label (e.g. a rule), one bar per model; values are shares in [0, 1] or None."""
    n = max(len(models), 1)
    bars_h = n * BAR_H + (n - 1) * BAR_GAP
    group_h = max(bars_h, GROUP_MIN_H)
    height = AXIS_H + len(groups) * (group_h + GROUP_GAP)
    width = CHART_W
    label_w = _label_width([g[0] for g in groups])
    longest_sub = max((len(g[1]) for g in groups), default=0)
    label_w = int(min(max(label_w, longest_sub * 6.1 + 24), 340))
    sub_chars = int((label_w - 24) / 6.1)
    bar_w = width - label_w - VALUE_W
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" aria-label="{escape(label)}">'
    ]
    parts += _axis(height - GROUP_GAP // 2, label_w, bar_w)
    y = AXIS_H
    for index, (name, sub, values) in enumerate(groups):
        if index % 2 == 1:
            parts.append(f'<rect class="band" x="0" y="{y - GROUP_GAP / 2:.1f}" width="{width}" height="{group_h + GROUP_GAP}"/>')
        mid = y + group_h / 2
        if sub:
            parts.append(
                f'<text class="label" x="{label_w - 10}" y="{mid - 3:.1f}" text-anchor="end">{escape(_truncate(name, MAX_LABEL_CHARS))}</text>'
            )
            parts.append(
                f'<text class="sublabel" x="{label_w - 10}" y="{mid + 11:.1f}" text-anchor="end">{escape(_truncate(sub, sub_chars))}</text>'
            )
        else:
            parts.append(
                f'<text class="label" x="{label_w - 10}" y="{mid + 4:.1f}" text-anchor="end">{escape(_truncate(name, MAX_LABEL_CHARS))}</text>'
            )
        top = y + (group_h - bars_h) / 2
        for i, model in enumerate(models):
            value = values[i] if i < len(values) else None
            by = top + i * (BAR_H + BAR_GAP)
            if value is None:
                parts.append(f'<text class="value na" x="{label_w + 4}" y="{by + BAR_H - 3:.1f}">n/a</text>')
                continue
            value = min(max(value, 0.0), 1.0)
            w = bar_w * value
            tip = escape(f"{model} · {name}: {pct_label(value)}")
            parts.append(
                f'<rect x="{label_w}" y="{by:.1f}" width="{max(w, 1.5):.1f}" height="{BAR_H}" rx="2" fill="{model_color(i)}"><title>{tip}</title></rect>'
            )
            parts.append(f'<text class="value" x="{label_w + w + 5:.1f}" y="{by + BAR_H - 3:.1f}">{pct_label(value)}</text>')
        y += group_h + GROUP_GAP
    parts.append("</svg>")
    return "".join(parts)


SOURCE_SEGMENTS = [
    ("first_try", "First try", "#2f8f5b", "#ffffff"),
    ("after_repair", "After repair", "#9bd3ae", "#1d3b2a"),
    ("fallback", "Fallback", "#f0a73a", "#3b2a0c"),
    ("other", "Other (errors, playbook)", "#d3d8df", "#333a44"),
]


def stacked_bar_chart(rows: list[tuple[str, dict[str, float] | None]], label: str) -> str:
    """One stacked bar per row (model); each row's segment shares sum to 1, or None for 'not applicable'."""
    row_h, gap = 24, 12
    height = AXIS_H + len(rows) * (row_h + gap)
    width = CHART_W
    label_w = _label_width([r[0] for r in rows])
    bar_w = width - label_w - VALUE_W
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" aria-label="{escape(label)}">'
    ]
    parts += _axis(height - gap // 2, label_w, bar_w)
    y = AXIS_H
    for name, shares in rows:
        parts.append(
            f'<text class="label" x="{label_w - 10}" y="{y + row_h / 2 + 4:.1f}" text-anchor="end">{escape(_truncate(name, MAX_LABEL_CHARS))}</text>'
        )
        if shares is None:
            parts.append(
                f'<text class="value na" x="{label_w + 4}" y="{y + row_h / 2 + 4:.1f}">not applicable (no model repair loop)</text>'
            )
            y += row_h + gap
            continue
        x = float(label_w)
        for key, title, fill, ink in SOURCE_SEGMENTS:
            share = min(max(shares.get(key, 0.0), 0.0), 1.0)
            if share <= 0:
                continue
            w = bar_w * share
            tip = escape(f"{name} · {title}: {pct_label(share)}")
            parts.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{row_h}" fill="{fill}"><title>{tip}</title></rect>')
            if w >= 38:
                parts.append(
                    f'<text class="seg" x="{x + w / 2:.1f}" y="{y + row_h / 2 + 4:.1f}" text-anchor="middle" fill="{ink}">{pct_label(share)}</text>'
                )
            x += w
        y += row_h + gap
    parts.append("</svg>")
    return "".join(parts)
