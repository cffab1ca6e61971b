// The reply editor: a plain-text contenteditable whose findings are drawn in place as <mark>s.
//
// The text is the source of truth (`editor.value`); the DOM is redrawn from it and the findings
// whenever a lint result arrives. Between redraws the browser edits the DOM and the marks travel
// with their words; finding offsets are shifted by the same edit so jumps and fixes stay right.

const ICON = { error: "✖", warning: "⚠" };
const LABEL = { error: "Error", warning: "Warning" };
const RANK = { warning: 1, error: 2 };

/** The plain text of the editor's DOM: text nodes, <br> as a newline, block elements on new lines. */
function textOf(node) {
  let out = "";
  for (const child of node.childNodes) {
    if (child.nodeType === Node.TEXT_NODE) out += child.data;
    else if (child.nodeName === "BR") { if (!child.dataset || !child.dataset.sentinel) out += "\n"; }
    else if (child.nodeType === Node.ELEMENT_NODE || child.nodeType === Node.DOCUMENT_FRAGMENT_NODE) {
      const block = child.nodeName === "DIV" || child.nodeName === "P";
      if (block && out && !out.endsWith("\n")) out += "\n";
      out += textOf(child);
    }
  }
  return out;
}

function offsetOf(root, container, offset) {
  const range = document.createRange();
  range.selectNodeContents(root);
  range.setEnd(container, offset);
  return textOf(range.cloneContents()).length;
}

/** [node, offset] for a character offset into the editor's text. */
function locate(root, target) {
  let remaining = target;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
  let node;
  while ((node = walker.nextNode())) {
    if (node.nodeType === Node.TEXT_NODE) {
      if (remaining <= node.data.length) return [node, remaining];
      remaining -= node.data.length;
    } else if (node.nodeName === "BR" && !node.dataset.sentinel) {
      if (remaining === 0) return [node.parentNode, Array.prototype.indexOf.call(node.parentNode.childNodes, node)];
      remaining -= 1;
    }
  }
  return [root, root.childNodes.length];
}

/** Where the edit from `before` to `after` happened: [start, oldEnd, newEnd]. */
function diff(before, after) {
  let start = 0;
  const max = Math.min(before.length, after.length);
  while (start < max && before[start] === after[start]) start++;
  let tail = 0;
  while (tail < max - start && before[before.length - 1 - tail] === after[after.length - 1 - tail]) tail++;
  return [start, before.length - tail, after.length - tail];
}

export class Editor {
  constructor(root, tip, descriptions, { onChange }) {
    this.root = root;
    this.tip = tip;
    this.descriptions = descriptions;
    this.onChange = onChange;
    this.value = "";
    this.findings = [];
    this.byId = new Map();
    this.undo = [];
    this.redo = [];
    this.lastSnapshot = 0;
    this.tipFor = null;
    this.hideTimer = null;

    root.addEventListener("beforeinput", (e) => this.beforeInput(e));
    root.addEventListener("input", () => this.changed());
    root.addEventListener("keydown", (e) => this.keydown(e));
    root.addEventListener("mouseover", (e) => {
      const mark = e.target.closest && e.target.closest("mark.finding");
      if (mark) this.showTip(mark);
    });
    root.addEventListener("mouseout", (e) => {
      if (e.target.closest && e.target.closest("mark.finding")) this.scheduleHide();
    });
    tip.addEventListener("mouseenter", () => clearTimeout(this.hideTimer));
    tip.addEventListener("mouseleave", () => this.scheduleHide());
    tip.addEventListener("click", (e) => {
      const button = e.target.closest("button[data-apply]");
      if (button) this.apply(Number(button.dataset.apply));
    });
    document.addEventListener("selectionchange", () => this.caretMoved());
  }

  // ---- text and findings -------------------------------------------------------------------------

  /** Replace the whole text (a new draft); the findings are cleared until the next lint. */
  setText(text) {
    this.value = text;
    this.undo = [];
    this.redo = [];
    this.setFindings([]);
    this.onChange(text, { immediate: true });
  }

  /** Show text being written elsewhere (a streaming draft): read-only and unchecked until endPreview. */
  preview(text) {
    this.root.contentEditable = "false";
    this.root.setAttribute("aria-busy", "true");
    this.value = text;
    this.findings = [];
    this.byId = new Map();
    this.hideTip(true);
    this.draw();
  }

  endPreview() {
    this.root.contentEditable = "true";
    this.root.removeAttribute("aria-busy");
  }

  /** Findings for the current text: [{rule_id, title, severity, message, fix_hint, start, end, suggestion}]. */
  setFindings(findings) {
    const caret = this.selection();
    this.findings = findings
      .filter((f) => f.start >= 0 && f.end > f.start && f.end <= this.value.length)
      .map((f, i) => ({ ...f, id: i }))
      .sort((a, b) => a.start - b.start || b.end - a.end);
    this.byId = new Map(this.findings.map((f) => [f.id, f]));
    this.draw();
    if (caret) this.select(caret[0], caret[1], false);
    this.hideTip(true);
  }

  draw() {
    const text = this.value;
    const cuts = new Set([0, text.length]);
    for (const f of this.findings) { cuts.add(f.start); cuts.add(f.end); }
    const points = [...cuts].sort((a, b) => a - b);
    const frag = document.createDocumentFragment();
    this.descriptions.textContent = "";
    for (const f of this.findings) {
      const d = document.createElement("span");
      d.id = `finding-desc-${f.id}`;
      d.textContent = `${LABEL[f.severity]}: ${f.title}. ${f.message}${f.fix_hint ? " Fix: " + f.fix_hint : ""}${f.suggestion != null ? " A one-click fix is available (Alt+Enter)." : ""}`;
      this.descriptions.append(d);
    }
    for (let i = 0; i < points.length - 1; i++) {
      const [a, b] = [points[i], points[i + 1]];
      const piece = text.slice(a, b);
      const active = this.findings.filter((f) => f.start <= a && f.end >= b);
      if (!active.length) { frag.append(document.createTextNode(piece)); continue; }
      const worst = active.reduce((w, f) => (RANK[f.severity] > RANK[w] ? f.severity : w), "warning");
      const mark = document.createElement("mark");
      mark.className = `finding sev-${worst}${active.length > 1 ? " multi" : ""}`;
      mark.dataset.ids = active.map((f) => f.id).join(" ");
      mark.dataset.rules = [...new Set(active.map((f) => f.rule_id))].join(" ");
      const ending = active.filter((f) => f.end === b);
      if (ending.length) {
        mark.classList.add("end");
        mark.dataset.icon = ICON[ending.some((f) => f.severity === "error") ? "error" : "warning"];
      }
      mark.setAttribute("aria-describedby", active.map((f) => `finding-desc-${f.id}`).join(" "));
      mark.textContent = piece;
      frag.append(mark);
    }
    if (text.endsWith("\n")) {
      const sentinel = document.createElement("br");
      sentinel.dataset.sentinel = "1";
      frag.append(sentinel);
    }
    this.root.replaceChildren(frag);
    this.root.classList.toggle("empty", !text);
  }

  /** The DOM changed under the user's hands: read the text back, shift findings past the edit. */
  changed() {
    let text = textOf(this.root);
    if (text === "\n" && this.root.childNodes.length === 1) text = "";
    if (text === this.value) return;
    this.snapshot();
    const [start, oldEnd, newEnd] = diff(this.value, text);
    const delta = newEnd - oldEnd;
    this.findings = this.findings
      .filter((f) => f.end <= start || f.start >= oldEnd)
      .map((f) => (f.start >= oldEnd ? { ...f, start: f.start + delta, end: f.end + delta } : f));
    this.byId = new Map(this.findings.map((f) => [f.id, f]));
    this.value = text;
    this.root.classList.toggle("empty", !text);
    this.onChange(text, { immediate: false });
  }

  /** Replace [start, end) with `insert`, redraw, put the caret after it and lint now. */
  replace(start, end, insert) {
    this.snapshot(true);
    const delta = insert.length - (end - start);
    this.value = this.value.slice(0, start) + insert + this.value.slice(end);
    this.findings = this.findings
      .filter((f) => f.end <= start || f.start >= end)
      .map((f) => (f.start >= end ? { ...f, start: f.start + delta, end: f.end + delta } : f));
    this.byId = new Map(this.findings.map((f) => [f.id, f]));
    this.draw();
    this.select(start + insert.length, start + insert.length, true);
    this.onChange(this.value, { immediate: true });
  }

  apply(id) {
    const f = this.byId.get(id);
    if (!f || f.suggestion == null) return false;
    this.hideTip(true);
    this.replace(f.start, f.end, f.suggestion);
    return true;
  }

  // ---- undo --------------------------------------------------------------------------------------

  snapshot(force = false) {
    const now = Date.now();
    if (force || now - this.lastSnapshot > 800 || !this.undo.length) {
      this.undo.push({ text: this.value, caret: this.selection() });
      if (this.undo.length > 200) this.undo.shift();
      this.redo = [];
    }
    this.lastSnapshot = force ? 0 : now;
  }

  restore(from, to) {
    const state = from.pop();
    if (!state) return;
    to.push({ text: this.value, caret: this.selection() });
    this.value = state.text;
    this.findings = [];
    this.byId = new Map();
    this.draw();
    const at = state.caret ? state.caret[1] : state.text.length;
    this.select(Math.min(at, state.text.length), Math.min(at, state.text.length), true);
    this.onChange(this.value, { immediate: true });
  }

  // ---- input handling ----------------------------------------------------------------------------

  beforeInput(e) {
    const sel = this.selection();
    if (!sel) return;
    if (e.inputType === "insertParagraph" || e.inputType === "insertLineBreak") {
      e.preventDefault();
      this.replace(sel[0], sel[1], "\n");
    } else if (e.inputType === "insertFromPaste" || e.inputType === "insertFromDrop" || e.inputType === "insertReplacementText") {
      const data = e.dataTransfer ? e.dataTransfer.getData("text/plain") : e.data;
      if (data == null) return;
      e.preventDefault();
      this.replace(sel[0], sel[1], data.replace(/\r\n?/g, "\n"));
    } else if (e.inputType === "historyUndo" || e.inputType === "historyRedo") {
      e.preventDefault();
      e.inputType === "historyUndo" ? this.restore(this.undo, this.redo) : this.restore(this.redo, this.undo);
    } else if (e.inputType.startsWith("format")) {
      e.preventDefault();
    }
  }

  keydown(e) {
    const mod = e.ctrlKey || e.metaKey;
    if (mod && !e.altKey && e.key.toLowerCase() === "z") {
      e.preventDefault();
      e.shiftKey ? this.restore(this.redo, this.undo) : this.restore(this.undo, this.redo);
    } else if (mod && e.key.toLowerCase() === "y") {
      e.preventDefault();
      this.restore(this.redo, this.undo);
    } else if (mod && ["b", "i", "u"].includes(e.key.toLowerCase())) {
      e.preventDefault();
    } else if (e.key === "Escape" && !this.tip.hidden) {
      e.preventDefault();
      this.hideTip(true);
    }
  }

  // ---- caret, selection, navigation --------------------------------------------------------------

  /** [start, end] of the selection in text offsets, or null when it is not in the editor. */
  selection() {
    const sel = document.getSelection();
    if (!sel || !sel.rangeCount) return null;
    const r = sel.getRangeAt(0);
    if (!this.root.contains(r.startContainer) || !this.root.contains(r.endContainer)) return null;
    return [offsetOf(this.root, r.startContainer, r.startOffset), offsetOf(this.root, r.endContainer, r.endOffset)];
  }

  select(start, end, focus) {
    if (focus) this.root.focus({ preventScroll: true });
    const range = document.createRange();
    const [sn, so] = locate(this.root, start);
    const [en, eo] = locate(this.root, end);
    range.setStart(sn, so);
    range.setEnd(en, eo);
    const sel = document.getSelection();
    if (focus || this.root.contains(document.activeElement) || document.activeElement === this.root) {
      sel.removeAllRanges();
      sel.addRange(range);
    }
  }

  /** Findings under the caret, most severe first. */
  findingsAt(offset) {
    return this.findings
      .filter((f) => f.start <= offset && offset <= f.end)
      .sort((a, b) => RANK[b.severity] - RANK[a.severity]);
  }

  /** Select the next (dir=1) or previous (dir=-1) finding after the caret and show its tip. */
  step(dir) {
    if (!this.findings.length) return null;
    const sel = this.selection() || [0, 0];
    const starts = this.findings;
    let target;
    if (dir > 0) target = starts.find((f) => f.start > sel[0]) || starts[0];
    else target = [...starts].reverse().find((f) => f.start < sel[0]) || starts[starts.length - 1];
    this.focusFinding(target);
    return target;
  }

  focusFinding(f) {
    this.select(f.start, f.end, true);
    const mark = this.markFor(f);
    if (mark) {
      mark.scrollIntoView({ block: "nearest" });
      this.showTip(mark, f);
    }
  }

  /** Jump to the first finding of a rule; false when the rule flagged no words. */
  jumpToRule(ruleId) {
    const f = this.findings.find((x) => x.rule_id === ruleId);
    if (!f) { this.root.focus(); return false; }
    this.focusFinding(f);
    return true;
  }

  /** Apply the fix of the finding at the caret (Alt+Enter). */
  applyAtCaret() {
    const sel = this.selection();
    if (!sel) return false;
    const f = this.findingsAt(sel[0]).find((x) => x.suggestion != null);
    return f ? this.apply(f.id) : false;
  }

  markFor(f) {
    return [...this.root.querySelectorAll("mark.finding")].find((m) => m.dataset.ids.split(" ").includes(String(f.id)));
  }

  caretMoved() {
    const sel = this.selection();
    if (!sel || sel[0] !== sel[1]) return;
    const under = this.findingsAt(sel[0]);
    if (!under.length) { if (this.tipFor && this.tipFor.viaCaret) this.hideTip(true); return; }
    const mark = this.markFor(under[0]);
    if (mark) this.showTip(mark, null, true);
  }

  // ---- the tip -----------------------------------------------------------------------------------

  showTip(mark, focus = null, viaCaret = false) {
    clearTimeout(this.hideTimer);
    const ids = mark.dataset.ids.split(" ").map(Number);
    let list = ids.map((id) => this.byId.get(id)).filter(Boolean);
    if (!list.length) return;
    if (focus) list = [focus, ...list.filter((f) => f !== focus)];
    this.tip.replaceChildren(...list.map((f) => this.tipEntry(f)));
    this.tip.hidden = false;
    const wrap = this.root.parentElement.getBoundingClientRect();
    const box = mark.getBoundingClientRect();
    const width = Math.min(360, wrap.width - 8);
    const left = Math.max(4, Math.min(box.left - wrap.left, wrap.width - width - 4));
    this.tip.style.width = `${width}px`;
    this.tip.style.left = `${left}px`;
    this.tip.style.top = `${box.bottom - wrap.top + 6}px`;
    this.tipFor = { mark, viaCaret };
  }

  tipEntry(f) {
    const entry = document.createElement("div");
    entry.className = `tip-entry sev-${f.severity}`;
    entry.dataset.rule = f.rule_id;
    const head = document.createElement("p");
    head.className = "tip-head";
    head.innerHTML = `<span class="sev-label" aria-hidden="true">${ICON[f.severity]}</span> `;
    const strong = document.createElement("strong");
    strong.textContent = `${LABEL[f.severity]}: ${f.title}`;
    const code = document.createElement("code");
    code.textContent = f.rule_id;
    head.append(strong, " ", code);
    const msg = document.createElement("p");
    msg.className = "tip-message";
    msg.textContent = f.message;
    entry.append(head, msg);
    if (f.fix_hint) {
      const hint = document.createElement("p");
      hint.className = "tip-hint";
      hint.textContent = `Fix: ${f.fix_hint}`;
      entry.append(hint);
    }
    if (f.suggestion != null) {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "apply";
      b.dataset.apply = String(f.id);
      b.textContent = f.suggestion ? `Replace with “${f.suggestion}”` : "Delete these words";
      b.title = "Apply this fix (Alt+Enter)";
      entry.append(b);
    }
    return entry;
  }

  scheduleHide() {
    clearTimeout(this.hideTimer);
    this.hideTimer = setTimeout(() => {
      if (this.tip.matches(":hover")) return;
      const sel = this.selection();
      if (sel && sel[0] === sel[1] && this.findingsAt(sel[0]).length) return;
      this.hideTip(true);
    }, 350);
  }

  hideTip(now) {
    clearTimeout(this.hideTimer);
    if (now) { this.tip.hidden = true; this.tipFor = null; }
  }
}
