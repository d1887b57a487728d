// inmail-lint's extension, in LinkedIn's page: it finds the compose form (by selectors.json), reads its subject
// and body as the writer types, asks the local server (through the service worker) to lint them, and shows
// what it says: underlines over the exact text, a badge with the count and the refund estimate, and a panel
// with the findings, their fixes and the estimate's reasons. It reads nothing else of the page, never sends,
// and changes the text only when the writer clicks a fix (as a typed edit, so LinkedIn's own script sees it).
"use strict";

(() => {
  const DEBOUNCE_MS = 120;
  const COLORS = { error: "#b3261e", warning: "#b06000", info: "#0a5dc2" };
  const state = { config: null, form: null, result: null, problem: null, timer: null, seq: 0, inFlight: false, dirty: false, open: false };
  let host = null, shadow = null, layer = null, badge = null, panel = null, mirror = null;

  const first = (scope, list) => {
    for (const selector of list || []) {
      try {
        const found = scope.querySelector(selector);
        if (found) return found;
      } catch (error) { /* a selector this browser does not know: the next one */ }
    }
    return null;
  };
  const all = (selector) => { try { return [...document.querySelectorAll(selector)]; } catch (error) { return []; } };

  // --- the form ------------------------------------------------------------------------------------------------
  function findForm() {
    for (const form of state.config.forms) {
      for (const selector of form.container) {
        for (const container of all(selector)) {
          const body = first(container, form.body);
          if (!body) continue;
          const subject = form.subject.length ? first(container, form.subject) : null;
          if (form.subject.length && !subject) continue; // a form of this kind has a subject field
          return { spec: form, container, body, subject };
        }
      }
    }
    return null;
  }

  // The text of a field and, for a contenteditable, where each character is: its blocks (<p>, <div>) are lines,
  // a <br> is a line break, and the text nodes hold the characters (UTF-16, as the server counts).
  function read(el) {
    if (el.tagName === "INPUT" || el.tagName === "TEXTAREA") return { text: el.value, pieces: null };
    const pieces = [];
    let text = "";
    const blocks = el.children.length && [...el.children].every((c) => /^(P|DIV)$/.test(c.tagName)) ? [...el.children] : [el];
    blocks.forEach((block, i) => {
      if (i > 0) text += "\n";
      const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (node.nodeType === Node.TEXT_NODE) {
          pieces.push({ node, start: text.length });
          text += node.data;
        } else if (node.tagName === "BR" && block === el) {
          text += "\n";
        }
      }
    });
    return { text, pieces };
  }

  function point(pieces, offset, el) {
    let best = null;
    for (const piece of pieces) {
      if (piece.start <= offset && offset <= piece.start + piece.node.data.length) best = piece;
      if (piece.start > offset) break;
    }
    if (!best) return pieces.length ? { node: pieces[pieces.length - 1].node, offset: pieces[pieces.length - 1].node.data.length } : { node: el, offset: 0 };
    return { node: best.node, offset: offset - best.start };
  }

  function recipient(form) {
    const name = first(form.container, form.spec.recipient.name);
    const headline = first(form.container, form.spec.recipient.headline);
    const profile = {};
    if (name && name.textContent.trim()) profile.name = name.textContent.trim().slice(0, 200);
    if (headline && headline.textContent.trim()) profile.title = headline.textContent.trim().slice(0, 200);
    return Object.keys(profile).length ? profile : null;
  }

  function draft() {
    const form = state.form;
    return {
      subject: form.subject ? read(form.subject).text : "",
      body: read(form.body).text,
      kind: form.spec.kind,
      recipient: recipient(form),
    };
  }

  // --- linting ---------------------------------------------------------------------------------------------------
  function schedule() {
    if (layer) underlines(); // at once: an underline over text that has changed is not drawn again
    clearTimeout(state.timer);
    state.timer = setTimeout(() => { if (state.inFlight) state.dirty = true; else lint(); }, DEBOUNCE_MS);
  }

  async function lint() {
    if (!state.form) return;
    const seq = ++state.seq;
    const sent = draft();
    const started = performance.now();
    state.inFlight = true;
    state.dirty = false;
    try {
      const answer = await chrome.runtime.sendMessage({ type: "lint", draft: sent });
      if (seq !== state.seq) return;
      state.result = answer.result || null;
      state.problem = answer.result ? null : answer;
      state.sent = sent;
      if (answer.result) record(performance.now() - started);
      draw();
    } catch (error) {
      state.result = null;
      state.problem = { problem: "extension", message: String(error) };
      draw();
    } finally {
      state.inFlight = false;
      if (state.dirty) lint();
    }
  }

  function record(ms) {
    const times = JSON.parse(document.documentElement.dataset.inmailLintTimes || "[]");
    times.push(Math.round(ms * 10) / 10);
    document.documentElement.dataset.inmailLintTimes = JSON.stringify(times.slice(-500));
  }

  async function applyFix(d) {
    const sent = draft();
    const answer = await chrome.runtime.sendMessage({ type: "fix", draft: { ...sent, index: d.index, code: d.code } });
    if (!answer.result) { state.problem = answer; draw(); return; }
    for (const name of ["subject", "body"]) {
      const el = name === "subject" ? state.form.subject : state.form.body;
      if (el && answer.result.fields[name] !== sent[name]) edit(el, sent[name], answer.result.fields[name]);
    }
  }

  // Replace what differs between the old and the new text as a typed edit would: the writer's undo and
  // LinkedIn's own listeners see an ordinary input.
  function edit(el, before, after) {
    let start = 0;
    while (start < before.length && start < after.length && before[start] === after[start]) start++;
    let end = 0;
    while (end < before.length - start && end < after.length - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end++;
    const from = start, to = before.length - end, text = after.slice(start, after.length - end);
    el.focus();
    if (el.tagName === "INPUT" || el.tagName === "TEXTAREA") {
      el.setSelectionRange(from, to);
    } else {
      const { pieces } = read(el);
      const a = point(pieces, from, el), b = point(pieces, to, el);
      const range = document.createRange();
      range.setStart(a.node, a.offset);
      range.setEnd(b.node, b.offset);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
    }
    if (text) document.execCommand("insertText", false, text);
    else document.execCommand("delete", false);
  }

  // --- drawing ---------------------------------------------------------------------------------------------------
  function ensureHost() {
    if (host && host.isConnected) return;
    host = document.createElement("inmail-lint-overlay");
    host.style.cssText = "position:fixed;left:0;top:0;width:0;height:0;z-index:2147483647;";
    shadow = host.attachShadow({ mode: "open" });
    shadow.innerHTML = `<style>
      .u { position: fixed; height: 0; border-bottom: 2px solid; pointer-events: none; }
      .badge { position: fixed; font: 12px/1.3 system-ui, sans-serif; background: #fff; color: #1d2125;
        border: 1px solid #c9d1d9; border-radius: 12px; padding: 3px 9px; cursor: pointer; box-shadow: 0 1px 3px #0003; max-width: 420px; }
      .badge.problem { border-color: #b3261e; color: #b3261e; }
      .panel { position: fixed; width: 380px; max-height: 60vh; overflow: auto; background: #fff; color: #1d2125;
        border: 1px solid #c9d1d9; border-radius: 8px; padding: 10px; font: 13px/1.4 system-ui, sans-serif; box-shadow: 0 4px 16px #0003; }
      .panel h2 { font-size: 13px; margin: 8px 0 4px; } .panel ul { margin: 0; padding: 0; list-style: none; }
      .panel li { padding: 4px 0; border-top: 1px solid #eee; } .sev { font-weight: 700; text-transform: uppercase; font-size: 11px; margin-right: 4px; }
      .panel button { font: inherit; margin-top: 3px; cursor: pointer; }
      .mirror { position: fixed; visibility: hidden; overflow: hidden; white-space: pre-wrap; word-wrap: break-word; }
    </style><div class="layer"></div><div class="mirror" aria-hidden="true"></div>
    <button class="badge" type="button" aria-expanded="false"></button><div class="panel" role="dialog" aria-label="inmail-lint" hidden></div>`;
    layer = shadow.querySelector(".layer");
    mirror = shadow.querySelector(".mirror");
    badge = shadow.querySelector(".badge");
    panel = shadow.querySelector(".panel");
    badge.addEventListener("click", () => { state.open = !state.open; draw(); });
    document.documentElement.append(host);
  }

  function rectsIn(el, text, pieces, start, end) {
    if (pieces) {
      const a = point(pieces, start, el), b = point(pieces, end, el);
      const range = document.createRange();
      range.setStart(a.node, a.offset);
      range.setEnd(b.node, b.offset);
      return [...range.getClientRects()];
    }
    // an input or a textarea: a copy of its text, laid out as it is, measured where the field is
    const style = getComputedStyle(el), box = el.getBoundingClientRect();
    for (const key of ["font", "letterSpacing", "padding", "borderWidth", "borderStyle", "lineHeight", "textIndent", "boxSizing", "tabSize"]) mirror.style[key] = style[key];
    mirror.style.borderColor = "transparent";
    mirror.style.whiteSpace = el.tagName === "INPUT" ? "pre" : "pre-wrap";
    Object.assign(mirror.style, { left: `${box.left}px`, top: `${box.top}px`, width: `${box.width}px`, height: `${box.height}px` });
    mirror.textContent = "";
    const node = document.createTextNode(text + " ");
    mirror.append(node);
    const range = document.createRange();
    range.setStart(node, Math.min(start, text.length));
    range.setEnd(node, Math.min(end, text.length));
    return [...range.getClientRects()]
      .map((r) => new DOMRect(r.left - el.scrollLeft, r.top - el.scrollTop, r.width, r.height))
      .filter((r) => r.right > box.left && r.left < box.right && r.bottom > box.top && r.top < box.bottom);
  }

  function underlines() {
    layer.replaceChildren();
    const result = state.result;
    if (!result || !state.form) return;
    for (const d of result.diagnostics) {
      if (d.target === null || d.wide || d.start === null) continue;
      const el = d.target === "subject" ? state.form.subject : state.form.body;
      if (!el) continue;
      const { text, pieces } = read(el);
      const sentText = d.target === "subject" ? state.sent.subject : state.sent.body;
      if (text !== sentText) continue; // the text moved on: the next answer draws it
      const start = d.start, end = Math.max(d.end, d.start + 1);
      for (const r of rectsIn(el, text, pieces, start, Math.min(end, text.length))) {
        if (r.width < 1) continue;
        const line = document.createElement("div");
        line.className = "u";
        line.dataset.code = d.code;
        line.dataset.field = d.target;
        line.dataset.text = text.slice(start, end);
        line.title = `${d.code}: ${d.message}`;
        Object.assign(line.style, { left: `${r.left}px`, top: `${r.bottom - 1}px`, width: `${r.width}px`, borderColor: COLORS[d.severity] });
        layer.append(line);
      }
    }
  }

  // a probability as the reports show it (inmail_lint.model.estimate.percent): whole percent from 10% up, to a
  // tenth below, rounded down
  function percent(p) {
    return p < 0.1 ? `${(Math.floor(p * 1000) / 10).toFixed(1)}%` : `${Math.round(p * 100)}%`;
  }

  function problemText(problem) {
    const id = chrome.runtime.id;
    if (problem.problem === "unpaired") return "inmail-lint: not paired. Start `inmail-lint web --allow-extension " + id + "`, then paste the address it prints in this extension's options.";
    if (problem.problem === "down") return "inmail-lint: the server is not running. Start it: inmail-lint web --allow-extension " + id;
    if (problem.problem === "refused") return `inmail-lint: refused (${problem.message}). Pair again: start it with --allow-extension ${id} and paste its address in the options.`;
    return `inmail-lint: ${problem.message || problem.problem}`;
  }

  function draw() {
    if (!state.form) { if (host) host.remove(); host = null; return; }
    ensureHost();
    const box = state.form.body.getBoundingClientRect();
    // inside the box's bottom-right corner, as writing assistants put theirs: clear of the form's own buttons
    Object.assign(badge.style, { right: `${Math.max(4, window.innerWidth - box.right + 6)}px`, top: `${box.bottom - 30}px` });
    const result = state.result;
    badge.classList.toggle("problem", !result);
    if (result) {
      const n = result.diagnostics.length;
      const estimate = result.estimate ? ` · ${percent(result.estimate.probability)} ${result.estimate.credit_at_stake ? "refund" : "response"}` : "";
      badge.textContent = `inmail-lint: ${n ? `${n} finding${n === 1 ? "" : "s"}` : "no findings"}${estimate}`;
    } else if (state.problem) {
      badge.textContent = problemText(state.problem);
    } else {
      badge.textContent = "inmail-lint: …";
    }
    badge.setAttribute("aria-expanded", String(state.open));
    underlines();
    drawPanel(box);
  }

  function drawPanel(box) {
    panel.hidden = !state.open || !state.result;
    if (panel.hidden) return;
    // beside the compose box when there is room (LinkedIn's overlay sits at the bottom right), else under it
    if (box.left > 420) Object.assign(panel.style, { left: `${box.left - 410}px`, top: "", bottom: `${Math.max(4, window.innerHeight - box.bottom)}px` });
    else Object.assign(panel.style, { left: `${Math.max(4, box.left)}px`, top: `${box.bottom + 30}px`, bottom: "" });
    const result = state.result;
    panel.replaceChildren();
    const head = document.createElement("p");
    head.className = "estimate";
    head.textContent = result.estimate ? result.estimate.summary : "No estimate for this draft.";
    const title = document.createElement("h2");
    title.textContent = "Findings";
    const list = document.createElement("ul");
    list.className = "findings";
    for (const d of result.diagnostics) {
      const item = document.createElement("li");
      item.dataset.code = d.code;
      const sev = document.createElement("span");
      sev.className = "sev";
      sev.style.color = COLORS[d.severity];
      sev.textContent = `${d.severity} ${d.code}`;
      item.append(sev, document.createTextNode(d.message));
      if (d.fix) {
        const fix = document.createElement("button");
        fix.type = "button";
        fix.className = "fix";
        fix.textContent = `${d.fix.safe ? "Fix" : "Fix (check it)"}: ${d.fix.message}`;
        fix.addEventListener("click", () => applyFix(d));
        item.append(document.createElement("br"), fix);
      }
      list.append(item);
    }
    const reasons = document.createElement("h2");
    reasons.textContent = "Why this estimate";
    const factors = document.createElement("ul");
    for (const f of (result.estimate ? result.estimate.factors : [])) {
      const item = document.createElement("li");
      item.textContent = `${f.odds_ratio > 1 ? "▲" : f.odds_ratio < 1 ? "▼" : "·"} ${f.observed} (×${f.odds_ratio.toFixed(2)} odds; ${f.cited})`;
      factors.append(item);
    }
    panel.append(head, title, list, reasons, factors);
  }

  // --- watching the page -------------------------------------------------------------------------------------------
  function attach() {
    const found = findForm();
    const same = found && state.form && found.body === state.form.body && found.subject === state.form.subject;
    if (same) return;
    state.form = found;
    state.result = null;
    state.problem = null;
    if (!found) { draw(); return; }
    for (const el of [found.subject, found.body]) if (el) el.addEventListener("input", schedule);
    draw();
    lint();
  }

  async function start() {
    state.config = await chrome.runtime.sendMessage({ type: "selectors" });
    let pending = false;
    new MutationObserver(() => {
      if (pending) return;
      pending = true;
      setTimeout(() => { pending = false; attach(); }, 200);
    }).observe(document.body, { childList: true, subtree: true });
    const redraw = () => { if (state.form) draw(); };
    addEventListener("scroll", redraw, true);
    addEventListener("resize", redraw);
    attach();
  }

  start();
})();
