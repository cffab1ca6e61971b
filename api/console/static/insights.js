// The Insights view: GET /v1/stats drawn as SVG charts.
import { api, ApiError } from "./api.js";
import { bars, columns, lines, pairedBars, pct, stacked } from "./charts.js";

const $ = (id) => document.getElementById(id);
const OUTCOMES = [
  { name: "sent as is", cls: "s-sent", marker: "circle" },
  { name: "edited", cls: "s-edited", marker: "square" },
  { name: "discarded", cls: "s-discarded", marker: "circle" },
];

function card(title, chart, note) {
  const section = document.createElement("section");
  section.className = "card chart-card";
  const h = document.createElement("h3");
  h.textContent = title;
  section.append(h, chart);
  if (note) {
    const p = document.createElement("p");
    p.className = "hint";
    p.textContent = note;
    section.append(p);
  }
  return section;
}

function nextDay(date) {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 19) + "Z";
}

export class InsightsView {
  constructor({ banner }) {
    this.banner = banner;
    this.stats = null;
    $("stats-filters").addEventListener("submit", (e) => { e.preventDefault(); this.load(); });
    let timer;
    window.addEventListener("resize", () => { clearTimeout(timer); timer = setTimeout(() => this.stats && this.draw(), 150); });
  }

  async load() {
    const f = $("stats-filters");
    const query = { model: f.model.value.trim(), interval: f.interval.value };
    if (f.since.value) query.since = `${f.since.value}T00:00:00Z`;
    if (f.until.value) query.until = nextDay(f.until.value);
    try {
      this.stats = await api.stats(query);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      this.banner.error(err.message);
      return;
    }
    this.draw();
  }

  draw() {
    const s = this.stats;
    const t = s.totals;
    const box = $("charts");
    // Two columns of cards from 1134 px (2 x 560 + gap), one below; 34 px of card padding and border.
    const full = box.clientWidth || 600;
    const width = Math.max(260, Math.floor((full >= 1134 ? (full - 14) / 2 : full) - 34));
    const totals = [
      ["Drafts", String(t.drafts)],
      ["Sent as is", pct(t.acceptance.sent_rate)],
      ["Edited", pct(t.acceptance.edited_rate)],
      ["Discarded", pct(t.acceptance.discarded_rate)],
      ["Median edit", t.edit_distance.median == null ? "–" : `${t.edit_distance.median} chars`],
      ["Fallback rate", pct(t.fallback_rate)],
      ["Escalations", `${t.escalations.count}`],
    ];
    $("stats-totals").replaceChildren(...totals.map(([k, v]) => {
      const d = document.createElement("div");
      d.className = "total";
      d.innerHTML = `<span class="total-value"></span><span class="total-label"></span>`;
      d.firstChild.textContent = v;
      d.lastChild.textContent = k;
      return d;
    }));
    const groups = s.by_model_prompt.map((g) => ({ ...g, label: `${g.model} · ${g.prompt_version}` }));
    const charts = [
      card("Acceptance per model and prompt version", stacked({
        label: "Share of finished drafts sent as is, edited or discarded, per model and prompt version",
        rows: groups.map((g) => ({ label: `${g.label} (${g.acceptance.finished})`, parts: [g.acceptance.sent, g.acceptance.edited, g.acceptance.discarded] })),
        series: OUTCOMES, width,
      }), "Finished drafts only (those with feedback); the number after each name counts them."),
      card("Acceptance over time", lines({
        label: "Sent as is, edited and discarded rates per period",
        points: s.over_time.map((p) => ({ label: p.period.slice(5), values: [p.acceptance.sent_rate, p.acceptance.edited_rate, p.acceptance.discarded_rate] })),
        series: OUTCOMES, width,
      })),
      card("Edit distance between suggested and sent text", columns({
        label: "How many drafts were edited by how many characters",
        items: t.edit_distance.bins.map((b) => ({ label: b.label, value: b.count })), width, cls: "s-edited", xTitle: "characters changed",
      }), t.edit_distance.count ? `${t.edit_distance.count} sent drafts; mean ${t.edit_distance.mean}, median ${t.edit_distance.median}.` : "No sent drafts yet."),
      card("Rules broken most often", this.rulesChart(t.rules, width),
        `Share of ${t.rules.suggested_texts} suggested texts and of ${t.rules.sent_texts} texts that went out.`),
      card("Fallback rate per model", bars({
        label: "Share of drafts the playbook wrote because the model failed",
        items: groups.map((g) => ({ label: g.label, value: g.fallback_rate || 0, text: `${pct(g.fallback_rate)} of ${g.drafts}`, cls: "s-fallback" })),
        max: 1, width,
      })),
      card("Fallbacks and escalations over time", lines({
        label: "Fallback and escalation rates per period",
        points: s.over_time.map((p) => ({ label: p.period.slice(5), values: [p.fallback_rate, p.escalations.rate] })),
        series: [{ name: "fallback", cls: "s-fallback", marker: "square" }, { name: "escalation", cls: "s-escalate", marker: "circle" }], width,
      })),
      card("Escalations by flag", bars({
        label: "Drafts per flag raised on the customer's message",
        items: Object.entries(t.escalations.by_flag).sort((a, b) => b[1] - a[1]).map(([k, v]) => ({ label: k.replace(/_/g, " "), value: v, text: String(v), cls: k === "prompt_injection" ? "s-info" : "s-escalate" })),
        max: Math.max(1, ...Object.values(t.escalations.by_flag)), width,
      }), `${t.escalations.count} of ${t.drafts} drafts needed a human (prompt injection alone does not count).`),
    ];
    box.replaceChildren(...charts);
  }

  rulesChart(rules, width) {
    const ids = [...new Set([...rules.suggested.map((r) => r.rule_id), ...rules.sent.map((r) => r.rule_id)])];
    const rate = (list, id) => (list.find((r) => r.rule_id === id) || { rate: 0 }).rate;
    const rows = ids.map((id) => ({ label: id, values: [rate(rules.suggested, id), rate(rules.sent, id)] }))
      .sort((a, b) => Math.max(...b.values) - Math.max(...a.values)).slice(0, 8);
    return pairedBars({
      label: "Rules broken in suggested text and in sent text, as a share of texts",
      rows, series: [{ name: "suggested", cls: "s-suggested", format: pct }, { name: "sent", cls: "s-sent", format: pct }],
      max: Math.max(0.01, ...rows.flatMap((r) => r.values)), width,
    });
  }
}
