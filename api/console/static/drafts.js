// The Drafts view: stored drafts with filters and paging; opening one reloads it in the editor.
//
// GET /v1/drafts filters by source, model, the latest feedback's outcome and a failed rule, all in the
// database over the whole list, and pages by cursor (or offset for the first page).
import { api, ApiError } from "./api.js";

const PAGE = 20;
const $ = (id) => document.getElementById(id);

export class DraftsView {
  constructor({ banner, onOpen }) {
    this.banner = banner;
    this.onOpen = onOpen;
    this.offset = 0;
    this.cursors = [null];   // cursor per page, for servers that page by cursor
    this.page = 0;
    $("list-filters").addEventListener("submit", (e) => { e.preventDefault(); this.reset(); this.load(); });
    $("list-prev").addEventListener("click", () => { if (this.page > 0) { this.page--; this.offset = Math.max(0, this.offset - PAGE); this.load(); } });
    $("list-next").addEventListener("click", () => { this.page++; this.offset += PAGE; this.load(); });
    $("list-body").addEventListener("click", (e) => {
      const b = e.target.closest("button[data-open]");
      if (b) this.onOpen(b.dataset.open);
    });
  }

  fillRules(rules) {
    const select = $("l-rule");
    for (const r of rules) {
      const o = document.createElement("option");
      o.value = r.id;
      o.textContent = r.title;
      select.append(o);
    }
  }

  reset() { this.offset = 0; this.page = 0; this.cursors = [null]; }

  filters() {
    const f = $("list-filters");
    return { source: f.source.value, model: f.model.value.trim(), outcome: f.outcome.value, failed_rule: f.failed_rule.value };
  }

  async load() {
    const f = this.filters();
    const query = { limit: PAGE, source: f.source, model: f.model, outcome: f.outcome, failed_rule: f.failed_rule };
    const cursor = this.cursors[this.page];
    if (cursor) query.cursor = cursor; else query.offset = this.offset;
    $("list-note").textContent = "Loading…";
    let page;
    try {
      page = await api.listDrafts(query);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      $("list-note").textContent = "";
      this.banner.error(err.message);
      return;
    }
    const next = page.next_cursor ?? null;
    if (next) this.cursors[this.page + 1] = next;
    this.render(page.items);
    const total = typeof page.total === "number" ? page.total : null;
    const first = this.offset + 1;
    $("list-page").textContent = page.items.length
      ? `${first}–${this.offset + page.items.length}${total != null ? ` of ${total}` : ""}`
      : "No drafts";
    $("list-prev").disabled = this.page === 0;
    $("list-next").disabled = next ? false : total != null ? this.offset + page.items.length >= total : page.items.length < PAGE;
    $("list-note").textContent = "";
  }

  render(items) {
    const body = $("list-body");
    body.replaceChildren();
    if (!items.length) {
      const tr = document.createElement("tr");
      const td = document.createElement("td");
      td.colSpan = 6;
      td.className = "empty-row";
      td.textContent = "No stored drafts match. Draft a reply in the Draft view first.";
      tr.append(td);
      body.append(tr);
      return;
    }
    for (const d of items) {
      const tr = document.createElement("tr");
      const cells = [
        new Date(d.created_at).toLocaleString(), d.model, d.source, d.feedback_outcome ? d.feedback_outcome.replace("_", " ") : "not finished",
        (d.failed_rules || []).join(", ") || "none",
      ];
      const labels = ["Created", "Model", "Source", "Outcome", "Failed rules"];
      cells.forEach((text, i) => {
        const td = document.createElement("td");
        td.dataset.label = labels[i];
        td.textContent = text;
        if (i === 2) td.className = `src src-${d.source}`;
        tr.append(td);
      });
      const td = document.createElement("td");
      const b = document.createElement("button");
      b.type = "button";
      b.dataset.open = d.id;
      b.textContent = "Open";
      b.setAttribute("aria-label", `Open the draft from ${cells[0]} by ${d.model}`);
      td.append(b);
      tr.append(td);
      body.append(tr);
    }
  }
}
