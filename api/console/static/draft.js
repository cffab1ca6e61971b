// The Draft view: the new-draft form, the analysis, the editor with live lint, the rules panel and Finish.
import { api, ApiError, streamDraft } from "./api.js";
import { Editor } from "./editor.js";

const REMEDIES = ["refund", "partial_refund", "replacement", "repair", "account_credit", "discount", "expedited_shipping",
  "technician_visit", "fee_waiver", "rebooking", "cancellation", "compensation"];
const LINT_PAUSE_MS = 300;
const CONTEXT_STORAGE = "calmreply.requests";
const FLAG_NAMES = {
  legal_threat: "Legal threat", authority_threat: "Threat to go to the authorities", media_threat: "Threat to go public",
  safety: "Safety risk", data_loss: "Data loss", vulnerable_customer: "Vulnerable customer", prompt_injection: "Instructions aimed at the model",
};
const $ = (id) => document.getElementById(id);
const human = (s) => String(s).replace(/_/g, " ");

/** A pasted thread ('Customer: ...' / 'Agent: ...' turns) as the last customer turn plus earlier history. */
export function parseThread(text) {
  const turnStart = /^\s*(customer|client|agent|support|me|you)\s*:\s*/i;
  const lines = text.split(/\r?\n/);
  if (!lines.some((l) => turnStart.test(l))) return { complaint: text.trim(), history: [] };
  const turns = [];
  for (const line of lines) {
    const m = line.match(turnStart);
    if (m) turns.push({ role: /^(agent|support|you)$/i.test(m[1]) ? "agent" : "customer", text: line.slice(m[0].length) });
    else if (turns.length) turns[turns.length - 1].text += "\n" + line;
    else turns.push({ role: "customer", text: line });
  }
  const cleaned = turns.map((t) => ({ ...t, text: t.text.trim() })).filter((t) => t.text);
  let last = -1;
  cleaned.forEach((t, i) => { if (t.role === "customer") last = i; });
  if (last < 0) return { complaint: text.trim(), history: [] };
  return { complaint: cleaned[last].text, history: cleaned.slice(0, last) };
}

function rememberRequest(id, body) {
  try {
    const all = JSON.parse(localStorage.getItem(CONTEXT_STORAGE) || "{}");
    all[id] = { complaint: body.complaint, channel: body.channel, company_at_fault: body.company_at_fault ?? null, policy: body.policy ?? null };
    const keys = Object.keys(all);
    for (const k of keys.slice(0, Math.max(0, keys.length - 200))) delete all[k];
    localStorage.setItem(CONTEXT_STORAGE, JSON.stringify(all));
  } catch { /* storage full or disabled: the checks fall back to the stored analysis */ }
}

function recalledRequest(id) {
  try { return JSON.parse(localStorage.getItem(CONTEXT_STORAGE) || "{}")[id] || null; } catch { return null; }
}

/** Failed rules' spans as editor findings; spans that no longer match the text are dropped. */
export function findingsFrom(text, checks) {
  const out = [];
  for (const c of checks) {
    if (c.passed) continue;
    for (const s of c.spans || []) {
      if (text.slice(s.start, s.end) !== s.text) continue;
      out.push({ rule_id: c.rule_id, title: c.title, severity: c.severity, message: c.message, fix_hint: c.fix_hint,
        start: s.start, end: s.end, suggestion: s.suggestion ?? null });
    }
  }
  return out;
}

export class DraftView {
  constructor({ banner }) {
    this.banner = banner;
    this.draft = null;        // the stored draft being edited, or null for free text
    this.context = {};        // what /v1/checks needs besides the reply
    this.lastChecks = null;   // {text, checks}
    this.lintTimer = null;
    this.lintCtrl = null;
    this.outcomeTouched = false;
    this.editor = new Editor($("editor"), $("tip"), $("descriptions"), { onChange: (t, o) => this.textChanged(t, o) });
    this.buildRemedies();
    $("draft-form").addEventListener("submit", (e) => { e.preventDefault(); this.submitDraft(); });
    $("draft-form").addEventListener("keydown", (e) => {
      if ((e.ctrlKey || e.metaKey) && e.key === "Enter") { e.preventDefault(); this.submitDraft(); }
    });
    $("finish-form").addEventListener("submit", (e) => { e.preventDefault(); this.finish(); });
    $("finish-form").addEventListener("change", (e) => { if (e.target.name === "outcome") this.outcomeTouched = true; });
    $("rules-list").addEventListener("click", (e) => {
      const b = e.target.closest("button[data-rule]");
      if (b && !this.editor.jumpToRule(b.dataset.rule)) this.status(`“${b.dataset.title}” flags no particular words: ${b.dataset.message}`);
    });
    this.editor.root.classList.add("empty");
  }

  buildRemedies() {
    const box = $("f-remedies");
    for (const r of REMEDIES) {
      const label = document.createElement("label");
      const input = document.createElement("input");
      Object.assign(input, { type: "checkbox", name: "allowed_remedies", value: r });
      label.append(input, " ", human(r));
      box.append(label);
    }
    const summarize = () => {
      const form = $("draft-form");
      const ticked = [...form.querySelectorAll("input[name=allowed_remedies]:checked")].map((i) => human(i.value));
      const max = form.max_amount.value;
      $("f-policy-summary").textContent = `${ticked.length ? ticked.join(", ") : "any remedy"}, ${max !== "" ? `up to ${max} ${(form.currency.value || "USD").toUpperCase()}` : "no limit"}`;
    };
    $("f-policy").addEventListener("input", summarize);
    $("f-policy").addEventListener("change", summarize);
  }

  // ---- new draft -------------------------------------------------------------------------------

  requestBody() {
    const form = $("draft-form");
    const { complaint, history } = parseThread(form.complaint.value);
    const body = { complaint, channel: form.channel.value };
    if (history.length) body.history = history;
    if (form.company_at_fault.value) body.company_at_fault = form.company_at_fault.value === "true";
    if (form.customer_name.value.trim()) body.customer_name = form.customer_name.value.trim();
    if (form.model.value.trim()) body.model = form.model.value.trim();
    const remedies = [...form.querySelectorAll("input[name=allowed_remedies]:checked")].map((i) => i.value);
    const max = form.max_amount.value;
    if (remedies.length || max !== "") {
      body.policy = { currency: (form.currency.value || "USD").toUpperCase() };
      if (remedies.length) body.policy.allowed_remedies = remedies;
      if (max !== "") body.policy.max_amount = Number(max);
    }
    return body;
  }

  fieldError(message) {
    const err = $("f-complaint-error");
    err.textContent = message || "";
    err.hidden = !message;
    $("f-complaint").setAttribute("aria-invalid", message ? "true" : "false");
  }

  async submitDraft() {
    const body = this.requestBody();
    this.fieldError("");
    this.banner.clear();
    if (!body.complaint) {
      this.fieldError("Paste the customer's message first.");
      $("f-complaint").focus();
      return;
    }
    const button = $("draft-submit");
    button.disabled = true;
    button.dataset.label = button.dataset.label || button.innerHTML;
    button.textContent = "Drafting…";
    $("editor").setAttribute("aria-busy", "true");
    try {
      const draft = body.model && body.model !== "playbook" ? await this.streamed(body) : await api.draft(body);
      rememberRequest(draft.id, body);
      this.show(draft, body);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      const fields = err.fields;
      if (fields.complaint) this.fieldError(`The message: ${fields.complaint}`);
      this.banner.error(err.message);
    } finally {
      button.disabled = false;
      button.innerHTML = button.dataset.label;
      $("editor").removeAttribute("aria-busy");
    }
  }

  /** An LLM draft over server-sent events: the analysis and the model's words appear as they come. */
  streamed(body) {
    let text = "";
    this.draft = null;
    $("source-badge").hidden = true;
    $("source-note").hidden = true;
    this.renderRules([]);
    this.editor.preview("");
    this.status(`Waiting for ${body.model}…`);
    return streamDraft(body, {
      analysis: (analysis) => this.renderAnalysis(analysis),
      delta: (d) => {
        text = d.reset ? d.text : text + d.text;
        this.editor.preview(text);
        this.status(`${body.model} is writing${d.attempt > 1 ? ` (attempt ${d.attempt})` : ""}…`);
      },
      checks: () => this.status("Checking the reply…"),
    }).finally(() => this.editor.endPreview());
  }

  /** Reload a stored draft into the editor. */
  async open(id) {
    this.banner.clear();
    try {
      const draft = await api.getDraft(id);
      this.show(draft, recalledRequest(id));
      return true;
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      this.banner.error(err.message);
      return false;
    }
  }

  show(draft, request) {
    this.draft = draft;
    const a = draft.analysis;
    this.context = request
      ? { complaint: request.complaint, channel: request.channel || "email", company_at_fault: request.company_at_fault ?? null, policy: request.policy ?? null }
      : { complaint: "", intent: a.intent, company_at_fault: a.fault === "company" ? true : a.fault === "customer" ? false : null };
    this.renderAnalysis(draft.analysis);
    this.renderSource(draft.meta, !request);
    this.outcomeTouched = false;
    for (const r of document.querySelectorAll("#finish-form input[name=outcome]")) r.checked = r.value === "sent";
    $("final-checks").textContent = "";
    $("finish-result").textContent = draft.feedback ? `Already finished: ${human(draft.feedback.outcome)}. Saving again records a new outcome.` : "";
    $("finish-submit").disabled = false;
    this.editor.setText(draft.reply);
    $("editor").dataset.draftId = draft.id;
    this.editor.root.focus();
  }

  renderSource(meta, noRequest) {
    const badge = $("source-badge");
    badge.hidden = false;
    badge.className = `badge src-${meta.source}`;
    const byModel = meta.model !== "playbook";
    badge.textContent = [meta.source, byModel ? meta.model : null, byModel ? `prompt ${meta.prompt_version}` : null].filter(Boolean).join(" · ");
    badge.title = `Written in ${Math.round(meta.latency_ms)} ms`;
    const note = $("source-note");
    const parts = [];
    if (meta.source === "fallback") parts.push(`The model ${meta.model} failed${meta.fallback_reason ? ` (${meta.fallback_reason})` : ""}, so the playbook wrote this draft instead.`);
    if (meta.source === "llm_repaired") parts.push("The model's first answer broke a rule; it was asked again and this is the repaired answer.");
    if (noRequest) parts.push("This draft was made elsewhere: the original message is not available here, so the checks use its stored analysis.");
    note.textContent = parts.join(" ");
    note.hidden = !parts.length;
    note.className = `note ${meta.source === "fallback" ? "warn" : "info"}`;
  }

  renderAnalysis(a) {
    $("analysis").hidden = false;
    const esc = $("escalations");
    esc.replaceChildren();
    for (const f of a.flags) {
      const box = document.createElement("div");
      box.className = f.kind === "prompt_injection" ? "flag injection" : "flag escalate";
      box.dataset.flag = f.kind;
      const title = document.createElement("strong");
      title.textContent = `${f.kind === "prompt_injection" ? "ⓘ" : "⚠"} ${f.kind === "prompt_injection" ? "" : "Escalate: "}${FLAG_NAMES[f.kind] || human(f.kind)}`;
      const reason = document.createElement("span");
      reason.textContent = ` ${f.reason}${f.evidence ? ` (“${f.evidence.text}”)` : ""}`;
      box.append(title, reason);
      esc.append(box);
    }
    if (!a.flags.length) {
      const none = document.createElement("p");
      none.className = "hint no-flags";
      none.textContent = "✓ No flags: nothing here needs escalating.";
      esc.append(none);
    }
    const problem = (a.problems && a.problems[0] && a.problems[0].summary) || (a.grievances[0] && a.grievances[0].summary) || "–";
    $("a-problem").textContent = problem;
    $("a-intent").textContent = `${human(a.intent)} (${Math.round((a.intent_confidence ?? 1) * 100)}% sure)${a.repeat_contact ? ", a repeat contact" : ""}${a.deadline ? `, deadline ${a.deadline}` : ""}`;
    const level = document.createElement("span");
    level.className = `intensity lvl-${a.intensity}`;
    level.textContent = `${a.intensity} (${a.intensity_score.toFixed(2)})`;
    const meter = document.createElement("meter");
    Object.assign(meter, { min: 0, max: 1, value: a.intensity_score, low: 0.35, high: 0.7, optimum: 0 });
    meter.setAttribute("aria-label", "Intensity");
    $("a-intensity").replaceChildren(level, " ", meter);
    $("a-emotions").replaceChildren(...(a.emotions.length ? a.emotions.map((e) => {
      const chip = document.createElement("span");
      chip.className = "chip";
      chip.textContent = `${e.name} ${Math.round(e.intensity * 100)}%`;
      return chip;
    }) : [document.createTextNode("none named")]));
    $("a-fault").textContent = `${a.fault}: ${a.fault_reason}`;
  }

  // ---- live lint -------------------------------------------------------------------------------

  textChanged(text, { immediate }) {
    clearTimeout(this.lintTimer);
    if (this.lintCtrl) this.lintCtrl.abort();  // a newer text supersedes the request in flight
    this.lintCtrl = null;
    if (this.draft && !this.outcomeTouched) {
      for (const r of document.querySelectorAll("#finish-form input[name=outcome]"))
        r.checked = r.value === (text === this.draft.reply ? "sent" : "edited");
    }
    $("finish-submit").disabled = !this.draft;
    if (!text.trim()) {
      this.renderRules([]);
      this.status("");
      return;
    }
    $("editor").dataset.lint = "pending";
    this.lintTimer = setTimeout(() => this.lint(text), immediate ? 0 : LINT_PAUSE_MS);
  }

  checkBody(text) {
    const body = { reply: text, complaint: this.context.complaint || "", channel: this.context.channel || "email" };
    if (this.context.company_at_fault != null) body.company_at_fault = this.context.company_at_fault;
    if (this.context.policy) body.policy = this.context.policy;
    if (this.context.intent) body.intent = this.context.intent;
    return body;
  }

  async lint(text) {
    const ctrl = new AbortController();
    this.lintCtrl = ctrl;
    $("editor").dataset.lint = "checking";
    try {
      const res = await api.checks(this.checkBody(text), ctrl.signal);
      if (ctrl.signal.aborted || this.editor.value !== text) return;
      this.lastChecks = { text, checks: res.checks };
      this.editor.setFindings(findingsFrom(text, res.checks));
      this.renderRules(res.checks);
      $("editor").dataset.lint = "done";
    } catch (err) {
      if (err.name === "AbortError") return;
      $("editor").dataset.lint = "error";
      this.status(`Live checks are unavailable: ${err.message}`, true);
    } finally {
      if (this.lintCtrl === ctrl) this.lintCtrl = null;
    }
  }

  status(text, isError = false) {
    const s = $("lint-status");
    s.textContent = text;
    s.classList.toggle("error", isError);
  }

  renderRules(checks) {
    const list = $("rules-list");
    list.replaceChildren();
    const errors = checks.filter((c) => !c.passed && c.severity === "error").length;
    const warnings = checks.filter((c) => !c.passed && c.severity === "warning").length;
    for (const c of checks) {
      const state = c.passed ? "pass" : c.severity === "error" ? "fail" : "warn";
      const li = document.createElement("li");
      li.className = `rule ${state}`;
      li.dataset.rule = c.rule_id;
      li.dataset.state = state;
      const b = document.createElement("button");
      b.type = "button";
      Object.assign(b.dataset, { rule: c.rule_id, title: c.title, message: c.message });
      const icon = { pass: "✓", fail: "✖", warn: "⚠" }[state];
      const word = { pass: "Pass", fail: "Fail", warn: "Warning" }[state];
      b.innerHTML = `<span class="state" aria-hidden="true">${icon}</span><span class="visually-hidden">${word}: </span>`;
      const title = document.createElement("span");
      title.className = "rule-title";
      title.textContent = c.title;
      b.append(title);
      if (!c.passed) {
        const n = (c.spans || []).length;
        const count = document.createElement("span");
        count.className = "count";
        count.textContent = n ? `${n}×` : "";
        b.append(count);
      }
      b.title = c.passed ? `${c.rule_id}: passes` : `${c.rule_id}: ${c.message}`;
      li.append(b);
      if (!c.passed) {
        const msg = document.createElement("p");
        msg.className = "rule-message";
        msg.textContent = c.message;
        li.append(msg);
      }
      list.append(li);
    }
    $("rules-summary").textContent = checks.length
      ? (errors || warnings ? `${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"}. Click a rule to jump to its words.` : "Every rule passes.")
      : "Checked as you type.";
    this.status(checks.length ? (errors ? `${errors} rule error${errors === 1 ? "" : "s"} in the reply.` : warnings ? `No errors; ${warnings} warning${warnings === 1 ? "" : "s"}.` : "Every rule passes.") : "");
  }

  // ---- finish ----------------------------------------------------------------------------------

  async finish() {
    if (!this.draft) return;
    const form = $("finish-form");
    const outcome = (form.querySelector("input[name=outcome]:checked") || {}).value;
    const result = $("finish-result");
    const text = this.editor.value;
    if (!outcome) { result.textContent = "Choose what happened to the draft first."; return; }
    if (outcome === "sent" && text !== this.draft.reply) {
      result.textContent = "The text was edited: choose “Sent after editing”, or undo the edits.";
      return;
    }
    if (outcome !== "discarded") {
      if (!text.trim()) { result.textContent = "The reply is empty."; return; }
      let checks;
      try {
        checks = (this.lastChecks && this.lastChecks.text === text) ? this.lastChecks.checks : (await api.checks(this.checkBody(text))).checks;
      } catch (err) {
        this.banner.error(err.message);
        return;
      }
      const failing = this.showFinalChecks(checks);
      if (failing.length && !(await this.confirmSend(failing))) { this.editor.root.focus(); return; }
    }
    const body = { outcome };
    if (outcome !== "discarded") body.final_text = text;
    if (form.rating.value) body.rating = Number(form.rating.value);
    if (form.comment.value.trim()) body.comment = form.comment.value.trim();
    const button = $("finish-submit");
    button.disabled = true;
    try {
      const fb = await api.feedback(this.draft.id, body);
      this.draft.feedback = fb;
      const distance = fb.edit_distance == null ? "" : `, ${fb.edit_distance} character${fb.edit_distance === 1 ? "" : "s"} changed`;
      result.textContent = `Saved: ${human(fb.outcome)}${distance}.`;
      result.dataset.saved = fb.outcome;
    } catch (err) {
      result.textContent = "";
      this.banner.error(err.message);
    } finally {
      button.disabled = false;
    }
  }

  showFinalChecks(checks) {
    const failing = checks.filter((c) => !c.passed && c.severity === "error");
    const warnings = checks.filter((c) => !c.passed && c.severity === "warning");
    const box = $("final-checks");
    box.replaceChildren();
    const head = document.createElement("p");
    head.className = failing.length ? "final bad" : "final ok";
    head.textContent = failing.length
      ? `✖ The text going out fails ${failing.length} error rule${failing.length === 1 ? "" : "s"}: ${failing.map((c) => c.title).join("; ")}.`
      : `✓ The text going out passes every error rule${warnings.length ? ` (${warnings.length} warning${warnings.length === 1 ? "" : "s"})` : ""}.`;
    box.append(head);
    return failing;
  }

  confirmSend(failing) {
    const dialog = $("confirm-send");
    const body = $("confirm-body");
    body.replaceChildren();
    const p = document.createElement("p");
    p.textContent = "The reply still breaks these error rules:";
    const ul = document.createElement("ul");
    for (const c of failing) {
      const li = document.createElement("li");
      li.textContent = `${c.title}: ${c.message}`;
      ul.append(li);
    }
    body.append(p, ul);
    return new Promise((resolve) => {
      dialog.addEventListener("close", () => resolve(dialog.returnValue === "send"), { once: true });
      dialog.returnValue = "";
      dialog.showModal();
    });
  }

  // ---- keyboard --------------------------------------------------------------------------------

  nextFinding(dir) {
    const f = this.editor.step(dir);
    if (!f) this.status(this.editor.value ? "No findings: every rule passes or flags no particular words." : "Nothing to check yet.");
  }

  applyFix() {
    if (!this.editor.applyAtCaret()) this.status("No one-click fix at the cursor. Move onto an underlined phrase (F8) first.");
  }
}
