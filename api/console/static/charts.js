// Charts drawn as inline SVG, here in the browser: no library, no network. Every bar carries its
// number as text, and every series its name, so no chart depends on colour alone.

const NS = "http://www.w3.org/2000/svg";

function el(name, attrs = {}, text) {
  const node = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

function svg(width, height, label) {
  const root = el("svg", { width, height, viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": label, class: "chart" });
  root.append(el("title", {}, label));
  return root;
}

export const pct = (v) => (v == null ? "–" : `${Math.round(v * 100)}%`);

/** Shorten a label to fit `room` pixels at ~7px a character. */
function fit(label, room) {
  const max = Math.max(4, Math.floor(room / 7));
  return label.length > max ? label.slice(0, max - 1) + "…" : label;
}

/** Horizontal bars: items [{label, value, text}], value in [0, max]. */
export function bars({ label, items, max, width, cls = "s0" }) {
  const row = 26, labelW = Math.min(200, Math.round(width * 0.38)), pad = 8;
  const height = Math.max(1, items.length) * row + pad * 2;
  const root = svg(width, height, label);
  const scale = (width - labelW - 64) / (max || 1);
  items.forEach((it, i) => {
    const y = pad + i * row;
    root.append(el("text", { x: labelW - 6, y: y + 16, class: "axis-label", "text-anchor": "end" }, fit(it.label, labelW - 10)));
    const w = Math.max(it.value > 0 ? 2 : 0, it.value * scale);
    const bar = el("rect", { x: labelW, y: y + 4, width: w, height: row - 10, class: `bar ${it.cls || cls}`, rx: 2 });
    bar.append(el("title", {}, `${it.label}: ${it.text}`));
    root.append(bar, el("text", { x: labelW + w + 6, y: y + 16, class: "value-label" }, it.text));
  });
  if (!items.length) root.append(el("text", { x: width / 2, y: height / 2 + 4, "text-anchor": "middle", class: "empty-label" }, "No data yet"));
  return root;
}

/** Paired horizontal bars per row: rows [{label, values: [v per series]}], series [{name, cls, format}]. */
export function pairedBars({ label, rows, series, max, width }) {
  const barH = 12, gap = 10, labelW = Math.min(200, Math.round(width * 0.38));
  const rowH = series.length * (barH + 2) + gap;
  const height = Math.max(1, rows.length) * rowH + 30;
  const root = svg(width, height, label);
  const scale = (width - labelW - 64) / (max || 1);
  legend(root, series, 0, 14, width);
  rows.forEach((r, i) => {
    const y = 28 + i * rowH;
    root.append(el("text", { x: labelW - 6, y: y + barH + 2, class: "axis-label", "text-anchor": "end" }, fit(r.label, labelW - 10)));
    series.forEach((s, j) => {
      const v = r.values[j] || 0;
      const w = Math.max(v > 0 ? 2 : 0, v * scale);
      const by = y + j * (barH + 2);
      const bar = el("rect", { x: labelW, y: by, width: w, height: barH, class: `bar ${s.cls}`, rx: 2 });
      bar.append(el("title", {}, `${r.label}, ${s.name}: ${s.format(v)}`));
      root.append(bar, el("text", { x: labelW + w + 6, y: by + barH - 2, class: "value-label small" }, s.format(v)));
    });
  });
  if (!rows.length) root.append(el("text", { x: width / 2, y: height / 2 + 8, "text-anchor": "middle", class: "empty-label" }, "No rule broken yet"));
  return root;
}

/** 100% stacked horizontal bars: rows [{label, parts: [count per series]}]. */
export function stacked({ label, rows, series, width }) {
  const row = 30, labelW = Math.min(200, Math.round(width * 0.38));
  const height = Math.max(1, rows.length) * row + 34;
  const root = svg(width, height, label);
  legend(root, series, 0, 14, width);
  const room = width - labelW - 8;
  rows.forEach((r, i) => {
    const y = 28 + i * row;
    const total = r.parts.reduce((a, b) => a + b, 0);
    root.append(el("text", { x: labelW - 6, y: y + 17, class: "axis-label", "text-anchor": "end" }, fit(r.label, labelW - 10)));
    if (!total) {
      root.append(el("text", { x: labelW, y: y + 17, class: "empty-label" }, "none finished"));
      return;
    }
    let x = labelW;
    r.parts.forEach((v, j) => {
      if (!v) return;
      const w = (v / total) * room;
      const bar = el("rect", { x, y: y + 4, width: w, height: row - 10, class: `bar ${series[j].cls}` });
      bar.append(el("title", {}, `${r.label}, ${series[j].name}: ${v} of ${total}`));
      root.append(bar);
      if (w > 30) root.append(el("text", { x: x + w / 2, y: y + 18, "text-anchor": "middle", class: "in-bar" }, pct(v / total)));
      x += w;
    });
  });
  return root;
}

/** Vertical columns with a label under each: items [{label, value}]. */
export function columns({ label, items, width, cls = "s0", xTitle }) {
  const height = 190, bottom = 44, top = 18;
  const root = svg(width, height, label);
  const max = Math.max(1, ...items.map((i) => i.value));
  const slot = (width - 16) / Math.max(1, items.length);
  const scale = (height - bottom - top) / max;
  items.forEach((it, i) => {
    const h = it.value * scale;
    const x = 8 + i * slot + slot * 0.15;
    const bar = el("rect", { x, y: height - bottom - h, width: slot * 0.7, height: Math.max(h, it.value ? 2 : 0), class: `bar ${cls}`, rx: 2 });
    bar.append(el("title", {}, `${it.label}: ${it.value}`));
    root.append(bar);
    root.append(el("text", { x: x + slot * 0.35, y: height - bottom - h - 4, "text-anchor": "middle", class: "value-label" }, String(it.value)));
    root.append(el("text", { x: x + slot * 0.35, y: height - bottom + 14, "text-anchor": "middle", class: "axis-label" }, it.label));
  });
  root.append(el("line", { x1: 8, x2: width - 8, y1: height - bottom, y2: height - bottom, class: "axis" }));
  if (xTitle) root.append(el("text", { x: width / 2, y: height - 8, "text-anchor": "middle", class: "axis-title" }, xTitle));
  return root;
}

/** Lines over periods: points [{label, values: [rate per series or null]}], rates in [0, 1]. */
export function lines({ label, points, series, width }) {
  const height = 210, left = 40, right = 12, top = 30, bottom = 36;
  const root = svg(width, height, label);
  legend(root, series, 0, 14, width);
  const plotW = width - left - right, plotH = height - top - bottom;
  for (const t of [0, 0.5, 1]) {
    const y = top + plotH * (1 - t);
    root.append(el("line", { x1: left, x2: width - right, y1: y, y2: y, class: t ? "grid" : "axis" }));
    root.append(el("text", { x: left - 6, y: y + 4, "text-anchor": "end", class: "axis-label" }, pct(t)));
  }
  const xAt = (i) => left + (points.length === 1 ? plotW / 2 : (plotW * i) / (points.length - 1));
  const every = Math.ceil(points.length / Math.max(1, Math.floor(plotW / 70)));
  points.forEach((p, i) => {
    if (i % every === 0 || i === points.length - 1)
      root.append(el("text", { x: xAt(i), y: height - bottom + 16, "text-anchor": "middle", class: "axis-label" }, p.label));
  });
  series.forEach((s, j) => {
    const coords = points.map((p, i) => (p.values[j] == null ? null : [xAt(i), top + plotH * (1 - p.values[j])]));
    const d = coords.filter(Boolean).map(([x, y], k) => `${k ? "L" : "M"}${x.toFixed(1)},${y.toFixed(1)}`).join(" ");
    if (d) root.append(el("path", { d, class: `line ${s.cls}`, fill: "none" }));
    coords.forEach((c, i) => {
      if (!c) return;
      const dot = el(s.marker === "square" ? "rect" : "circle", s.marker === "square"
        ? { x: c[0] - 3.5, y: c[1] - 3.5, width: 7, height: 7, class: `dot ${s.cls}` }
        : { cx: c[0], cy: c[1], r: 3.5, class: `dot ${s.cls}` });
      dot.append(el("title", {}, `${points[i].label}, ${s.name}: ${pct(points[i].values[j])}`));
      root.append(dot);
    });
  });
  if (!points.length) root.append(el("text", { x: width / 2, y: height / 2, "text-anchor": "middle", class: "empty-label" }, "No data yet"));
  return root;
}

function legend(root, series, x, y, width) {
  let at = x + 4;
  for (const s of series) {
    if (at > width - 60) break;
    root.append(el("rect", { x: at, y: y - 9, width: 10, height: 10, class: `bar ${s.cls}` }));
    const t = el("text", { x: at + 14, y, class: "legend" }, s.name);
    root.append(t);
    at += 24 + s.name.length * 6.5;
  }
}
