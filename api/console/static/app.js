// Wires the console together: views, tabs, the message banner, settings and keyboard shortcuts.
import { api, apiKey, call } from "./api.js";
import { DraftView } from "./draft.js";
import { DraftsView } from "./drafts.js";
import { InsightsView } from "./insights.js";

const $ = (id) => document.getElementById(id);

const banner = {
  show(text, kind) {
    const b = $("banner");
    b.className = `banner ${kind}`;
    b.querySelector(".banner-text").textContent = text;
    b.hidden = false;
  },
  error(text) { this.show(text, "error"); },
  info(text) { this.show(text, "info"); },
  clear() { $("banner").hidden = true; },
};
$("banner").querySelector(".banner-close").addEventListener("click", () => banner.clear());

const draftView = new DraftView({ banner });
const insights = new InsightsView({ banner });
const drafts = new DraftsView({
  banner,
  onOpen: async (id) => { if (await draftView.open(id)) show("draft"); },
});

function show(view) {
  for (const tab of document.querySelectorAll("[role=tab]")) {
    const on = tab.dataset.view === view;
    tab.setAttribute("aria-selected", String(on));
    tab.tabIndex = on ? 0 : -1;
    $(`view-${tab.dataset.view}`).hidden = !on;
  }
  if (view === "drafts") drafts.load();
  if (view === "insights") insights.load();
  if (location.hash !== `#${view}`) history.replaceState(null, "", `#${view}`);
}

const tabs = [...document.querySelectorAll("[role=tab]")];
tabs.forEach((tab, i) => {
  tab.addEventListener("click", () => show(tab.dataset.view));
  tab.addEventListener("keydown", (e) => {
    const step = { ArrowRight: 1, ArrowLeft: -1 }[e.key];
    if (!step) return;
    const next = tabs[(i + step + tabs.length) % tabs.length];
    next.focus();
    show(next.dataset.view);
  });
});

// ---- settings and help dialogs -------------------------------------------------------------------
$("open-settings").addEventListener("click", () => { $("set-key").value = apiKey.get(); $("settings").showModal(); });
$("settings").addEventListener("close", () => {
  if ($("settings").returnValue === "save") {
    apiKey.set($("set-key").value.trim());
    banner.info($("set-key").value.trim() ? "API key saved in this browser." : "API key removed.");
  }
});
$("open-shortcuts").addEventListener("click", () => $("shortcuts").showModal());

// ---- keyboard ------------------------------------------------------------------------------------
const typing = (t) => t && (t.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(t.tagName));
document.addEventListener("keydown", (e) => {
  if (document.querySelector("dialog[open]")) return;
  if (e.altKey && ["1", "2", "3"].includes(e.key)) { e.preventDefault(); show(["draft", "drafts", "insights"][Number(e.key) - 1]); return; }
  if ($("view-draft").hidden) return;
  if (e.key === "F8" || (e.altKey && e.key.toLowerCase() === "n")) { e.preventDefault(); draftView.nextFinding(e.shiftKey ? -1 : 1); return; }
  if (e.altKey && e.key === "Enter") { e.preventDefault(); draftView.applyFix(); return; }
  if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "s") { e.preventDefault(); $("finish-form").requestSubmit(); return; }
  if ((e.ctrlKey || e.metaKey) && e.key === "Enter" && !$("draft-form").contains(e.target)) { e.preventDefault(); $("draft-form").requestSubmit(); return; }
  if (e.key === "?" && !typing(e.target)) { e.preventDefault(); $("shortcuts").showModal(); }
});

// ---- start ---------------------------------------------------------------------------------------
(async () => {
  try {
    await call("GET", "/healthz");
  } catch (err) {
    banner.error(err.status === 503 ? "The server is up but its database does not answer." : err.message);
  }
  try {
    drafts.fillRules((await api.rules()).rules);
  } catch { /* the failed-rule filter stays at 'Any'; the banner already explains a dead server */ }
  const start = location.hash.slice(1);
  // #draft/<id>: the link a helpdesk note carries (Chatwoot, Zammad) opens that draft in the editor.
  const linked = start.startsWith("draft/") ? decodeURIComponent(start.slice("draft/".length)) : null;
  if (linked && await draftView.open(linked)) { show("draft"); return; }
  show(["draft", "drafts", "insights"].includes(start) ? start : "draft");
  if (start !== "drafts" && start !== "insights") $("f-complaint").focus();
})();
