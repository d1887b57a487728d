// inmail-lint's page: it shows what the server's linter says. No rule is judged here; every finding, count and
// estimate comes from the same linter as the command line and the language server.
"use strict";

const $ = (id) => document.getElementById(id);
const token = new URLSearchParams(location.search).get("token") || sessionStorage.getItem("inmail-lint-token") || "";
if (token) sessionStorage.setItem("inmail-lint-token", token);

const TEXT_FIELDS = ["name", "company", "title"];
const LIST_FIELDS = ["mutual_connections", "groups", "past_companies", "schools", "recent_posts"];
const state = {
  path: null, base: null, etag: null, result: null, seq: 0, shown: 0, timer: null, latencies: [],
  editable: true, folder: null, sort: { key: "path", dir: 1 }, contextChanged: null, copied: null, plans: null,
};
window.inmailLint = state; // for the browser tests and the latency benchmark

// --- talking to the server ------------------------------------------------------------------------------------
async function api(path, body) {
  const init = { headers: { "X-Inmail-Lint-Token": token } };
  if (body !== undefined) {
    init.method = "POST";
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    throw new Error("the inmail-lint server does not answer (was it stopped?)");
  }
  const data = await response.json().catch(() => ({ error: `the server answered ${response.status}` }));
  if (!response.ok) throw Object.assign(new Error(data.error || `error ${response.status}`), { status: response.status });
  return data;
}

function showAlert(message) {
  const alert = $("alert");
  alert.textContent = message || "";
  alert.hidden = !message;
}

function status(message) { $("status").textContent = message; }

// --- the draft being written --------------------------------------------------------------------------------
function splitList(text) { return text.split(",").map((s) => s.trim()).filter(Boolean); }

function recipient() {
  const profile = $("profile").value;
  if (profile) return profile;
  // what the opened draft's recipient says that the panel has no field for is kept: its open_profile, and its
  // first_name while the name is the one it was opened with (a new name has its own first name)
  const opened = state.openedRecipient || {};
  const fields = {};
  if (typeof opened.open_profile === "boolean") fields.open_profile = opened.open_profile;
  for (const key of TEXT_FIELDS) fields[key] = $(`r-${key}`).value.trim();
  if (typeof opened.first_name === "string" && fields.name === (opened.name || "")) fields.first_name = opened.first_name;
  for (const key of LIST_FIELDS) fields[key] = splitList($(`r-${key}`).value);
  return fields;
}

function request(extra) {
  const body = { subject: $("subject").value, body: $("body").value, ...extra };
  if (state.path) {
    Object.assign(body, { path: state.path, base: state.base });
    // the side panel, once the writer changes it, is written into the draft's front matter on Save
    // (only what changed: a kind left as it was is not written)
    if (state.contextChanged) {
      body.context = {};
      if (state.contextChanged.has("kind")) body.context.kind = $("kind").value;
      if (state.contextChanged.has("recipient")) body.context.recipient = recipient();
      if (state.contextChanged.has("cta")) body.context.cta = $("cta").value;
    }
  } else Object.assign(body, { kind: $("kind").value, recipient: recipient(), cta: $("cta").value });
  return body;
}

// the side panel shows a draft's own kind and recipient: a profile file, or its fields; and a Message Ad's
// button label
function fillContext(kind, fields, profile, cta) {
  if (kind) $("kind").value = kind;
  $("profile").value = profile || "";
  $("cta").value = cta || "";
  state.openedRecipient = fields && typeof fields === "object" ? fields : null;
  fillRecipient(fields);
  state.contextChanged = null;
  syncContext();
  if (profile) showProfile(profile);
}

function fillRecipient(fields) {
  const given = fields || {};
  for (const key of TEXT_FIELDS) $(`r-${key}`).value = typeof given[key] === "string" ? given[key] : "";
  for (const key of LIST_FIELDS) {
    const value = given[key];
    $(`r-${key}`).value = Array.isArray(value) ? value.join(", ") : typeof value === "string" ? value : "";
  }
}

// A chosen profile file's fields, shown greyed in the fields below: who the draft is linted as written to.
async function showProfile(path) {
  try {
    const answer = await api(`/api/profile?path=${encodeURIComponent(JSON.stringify(path))}`);
    if ($("profile").value === path) fillRecipient(answer.fields); // unless another was chosen meanwhile
  } catch (error) {
    // a profile that cannot be read: the draft's findings say what is wrong with it
  }
}

// The recipient's fields are read only when no profile file is chosen: with one, they are greyed and say so
// (a name typed there would otherwise be ignored without a word).
function syncContext() {
  const profile = $("profile").value;
  for (const el of $("context").querySelectorAll("input, select")) {
    el.disabled = !state.editable || (Boolean(profile) && el.tagName === "INPUT" && el.id !== "cta");
  }
  // the button label, for a kind that has one (a Message Ad), or when the draft gives one anyway
  const kind = state.folder ? state.folder.kinds.find((k) => k.name === $("kind").value) : null;
  $("cta-label").hidden = !(kind && kind.cta) && !$("cta").value;
  for (const key of [...TEXT_FIELDS, ...LIST_FIELDS]) {
    $(`r-${key}`).placeholder = profile ? "from the profile file" : LIST_FIELDS.includes(key) ? "comma-separated" : "";
  }
}

// Debounced: the draft is linted 25 ms after the last keystroke, with at most one request under way; edits made
// while one is under way are linted as soon as it is back, so the underlines follow the text without a queue.
const DEBOUNCE_MS = 25;

function scheduleLint() {
  state.typedAt = state.typedAt || performance.now();
  clearTimeout(state.timer);
  state.timer = setTimeout(() => { if (state.inFlight) state.dirty = true; else lintNow(); }, DEBOUNCE_MS);
}

async function lintNow() {
  const seq = ++state.seq;
  const typedAt = state.typedAt;
  state.typedAt = 0;
  state.dirty = false;
  state.inFlight = true;
  try {
    const result = await api("/api/lint", request());
    if (seq === state.seq) {
      render(result);
      if (typedAt) state.latencies.push(performance.now() - typedAt); // keystroke to underlines
      showAlert("");
    }
  } catch (error) {
    if (seq === state.seq) showAlert(error.message);
  } finally {
    state.inFlight = false;
    if (state.dirty) lintNow();
  }
}

// --- underlines ---------------------------------------------------------------------------------------------
const SEVERITY = { error: 3, warning: 2, info: 1 };

// a probability as the reports show it (inmail_lint.model.estimate.percent): whole percent from 10% up, to a
// tenth below, rounded down, so that a figure under IM901's 10% never reads as 10%
function percent(p) {
  return p < 0.1 ? `${(Math.floor(p * 1000) / 10).toFixed(1)}%` : `${Math.round(p * 100)}%`;
}

function escapeHtml(text) {
  return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
}

function paint(field) {
  const area = $(field);
  const holder = document.querySelector(`.editor[data-field="${field}"] .highlights`);
  const text = area.value;
  const findings = (state.result ? state.result.diagnostics : []).filter((d) => d.target === field && !d.wide);
  const cuts = new Set([0, text.length]);
  const points = new Map();
  for (const d of findings) {
    if (d.end > d.start) { cuts.add(Math.min(d.start, text.length)); cuts.add(Math.min(d.end, text.length)); }
    else points.set(d.start, [...(points.get(d.start) || []), d]);
  }
  const bounds = [...cuts].sort((a, b) => a - b);
  let html = "";
  for (let k = 0; k < bounds.length - 1; k++) {
    const from = bounds[k], to = bounds[k + 1];
    if (points.has(from)) html += mark("", points.get(from), true);
    const over = findings.filter((d) => d.end > d.start && d.start <= from && d.end >= to);
    const piece = text.slice(from, to);
    html += over.length ? mark(piece, over, false) : escapeHtml(piece);
  }
  if (points.has(text.length) && bounds.length) html += mark("", points.get(text.length), true);
  holder.innerHTML = html + (text.endsWith("\n") ? " " : "");
  syncScroll(field);
}

function mark(text, findings, point) {
  const worst = findings.reduce((a, d) => (SEVERITY[d.severity] > SEVERITY[a.severity] ? d : a));
  const ids = findings.map((d) => d.index).join(" ");
  return `<mark class="${worst.severity}${point ? " point" : ""}" data-findings="${ids}">${escapeHtml(text)}</mark>`;
}

function syncScroll(field) {
  const area = $(field);
  const backdrop = document.querySelector(`.editor[data-field="${field}"] .backdrop`);
  backdrop.scrollTop = area.scrollTop;
  backdrop.scrollLeft = area.scrollLeft;
}

function fitSubject() {
  const area = $("subject");
  if (!area.offsetParent) { area.style.height = ""; return; } // hidden (another tab): fitted when shown
  area.style.height = "auto";
  area.style.height = `${area.scrollHeight}px`;
}

function findingsAt(field, position) {
  if (!state.result) return [];
  return state.result.diagnostics.filter(
    (d) => d.target === field && !d.wide && (d.start === d.end ? d.start === position : d.start <= position && position <= d.end),
  );
}

function describeHere() {
  const area = document.activeElement;
  if (!area || !["subject", "body"].includes(area.id)) { $("here").textContent = ""; return; }
  const here = findingsAt(area.id, area.selectionStart);
  $("here").textContent = here.map((d) => `${d.code} ${d.severity}: ${d.message}`).join(" · ");
}

function hover(event) {
  const tip = $("tooltip");
  // the marks lie under the textarea and take no pointer events: find the one whose box holds the pointer
  const inside = (r) => r.left <= event.clientX && event.clientX <= r.right && r.top <= event.clientY && event.clientY <= r.bottom;
  const marks = [...document.querySelectorAll(`.editor[data-field="${event.target.id}"] mark`)]
    .filter((m) => [...m.getClientRects()].some(inside));
  if (!marks.length || !state.result) { tip.hidden = true; return; }
  const ids = marks[0].dataset.findings.split(" ").map(Number);
  const found = state.result.diagnostics.filter((d) => ids.includes(d.index));
  tip.replaceChildren(...found.map((d) => {
    const line = document.createElement("div");
    line.textContent = `${d.code} ${d.severity}: ${d.message}`;
    return line;
  }));
  tip.style.left = `${Math.min(event.clientX + 12, window.innerWidth - 440)}px`;
  tip.style.top = `${event.clientY + 16}px`;
  tip.hidden = false;
}

// --- what the linter said -----------------------------------------------------------------------------------
function render(result) {
  // a new draft with nothing typed yet: no findings and no estimate until there is something to judge
  const blank = state.path === null && !result.fields.subject.trim() && !result.fields.body.trim();
  state.result = blank ? { ...result, diagnostics: [], estimate: null, notes: [] } : result;
  if (state.path === null) state.base = null;
  paint("subject");
  paint("body");
  renderCounts(result);
  renderFindings(state.result);
  renderWide(state.result);
  renderEstimate(state.result.estimate, blank);
  describeHere();
  state.shown += 1;
  document.body.dataset.lintSeq = String(state.shown);
}

function counter(value, max, goal, unit, goalUnit) {
  let html = `<span class="${max && value > max ? "limit" : goal && value >= goal ? "over" : ""}">${value}</span>`;
  html += max ? ` / ${max} ${unit}` : ` ${unit}`;
  if (goal) html += ` · goal under ${goal}${goalUnit ? ` ${goalUnit}` : ""}`;
  return html;
}

function renderCounts(result) {
  const { subject, body } = result.counts;
  $("subject-count").innerHTML = result.subject_sent === false
    ? "not sent for this kind"
    : counter(subject.chars, subject.max, subject.goal, "characters");
  $("body-count").innerHTML = `${counter(body.chars, body.max, null, "characters")} · `
    + counter(body.words, null, body.goal_words, "words", "words");
}

function renderWide(result) {
  const wide = result.diagnostics.filter((d) => d.wide);
  $("wide").replaceChildren(...wide.map((d) => {
    const item = document.createElement("li");
    item.innerHTML = `<span class="sev ${d.severity}">${d.severity}</span><span class="code">${d.code}</span>`;
    item.append(document.createTextNode(d.message));
    return item;
  }));
  $("wide").hidden = !wide.length;
}

async function copyText(text, what) {
  try {
    await navigator.clipboard.writeText(text);
  } catch (error) {
    const scratch = Object.assign(document.createElement("textarea"), { value: text });
    document.body.append(scratch);
    scratch.select();
    document.execCommand("copy");
    scratch.remove();
  }
  state.copied = text;
  status(`Copied the ${what} (${text.length} characters), as LinkedIn gets it: no front matter, no directives.`);
}

function renderFindings(result) {
  const list = $("findings");
  list.replaceChildren();
  $("findings-count").textContent = result.diagnostics.length ? `(${result.diagnostics.length})` : "(none)";
  // a finding about the whole draft is said once, beside the text (#wide), not again here
  const wide = result.diagnostics.filter((d) => d.wide).length;
  for (const d of result.diagnostics.filter((x) => !x.wide)) {
    const item = document.createElement("li");
    item.dataset.code = d.code;
    const go = document.createElement("button");
    go.type = "button";
    go.className = "go";
    go.innerHTML = `<span class="sev ${d.severity}">${d.severity}</span><span class="code">${d.code}</span>`;
    go.append(document.createTextNode(d.message));
    go.addEventListener("click", () => goTo(d));
    if (d.target === null) go.title = `in the file at line ${d.row}, column ${d.column}`;
    item.append(go);
    if (d.fix) {
      const fix = document.createElement("button");
      fix.type = "button";
      fix.className = `fix${d.fix.safe ? "" : " unsafe"}`;
      fix.textContent = d.fix.safe ? `Fix: ${d.fix.message}` : `Fix (unsafe: check it): ${d.fix.message}`;
      fix.addEventListener("click", () => applyFix(d));
      item.append(fix);
    }
    list.append(item);
  }
  if (wide) {
    const item = document.createElement("li");
    item.className = "muted";
    item.textContent = `${wide} about the whole draft: beside the text, under the body.`;
    list.append(item);
  }
  $("notes").replaceChildren(...result.notes.map((note) => {
    const item = document.createElement("li");
    item.textContent = note;
    return item;
  }));
}

function goTo(d) {
  if (d.target === null) { status(`${d.code} is about the file's front matter (line ${d.row}), not the text fields.`); return; }
  const area = $(d.target);
  area.focus();
  area.setSelectionRange(d.start, Math.max(d.start, d.end));
  describeHere();
}

function gauge(estimate) {
  const arc = (from, to) => {
    const point = (p) => {
      const angle = Math.PI * (1 - p);
      return `${100 + 80 * Math.cos(angle)} ${100 - 80 * Math.sin(angle)}`;
    };
    return `M ${point(from)} A 80 80 0 0 1 ${point(to)}`;
  };
  const scale = (p) => Math.max(0, Math.min(1, p / 0.6)); // the dial reads 0 to 60%
  const typical = scale(estimate.baseline);
  const angle = Math.PI * (1 - typical);
  const tick = [100 + 68 * Math.cos(angle), 100 - 68 * Math.sin(angle), 100 + 92 * Math.cos(angle), 100 - 92 * Math.sin(angle)];
  return `<svg viewBox="0 0 200 122" role="img" aria-label="estimate ${percent(estimate.probability)}, 90% interval ${percent(estimate.low)} to ${percent(estimate.high)}, typical ${percent(estimate.baseline)}">
    <path class="gauge-track" d="${arc(0, 1)}" stroke-width="14" fill="none"/>
    <path class="gauge-band" d="${arc(scale(estimate.low), Math.max(scale(estimate.high), scale(estimate.low) + 0.005))}" stroke-width="14" fill="none"/>
    <path class="gauge-value" d="${arc(0, Math.max(scale(estimate.probability), 0.005))}" stroke-width="6" fill="none"/>
    <line class="gauge-typical" x1="${tick[0]}" y1="${tick[1]}" x2="${tick[2]}" y2="${tick[3]}" stroke-width="2"/>
    <text class="gauge-text" x="100" y="96" text-anchor="middle">${percent(estimate.probability)}</text>
    <text class="gauge-sub" x="100" y="116" text-anchor="middle">${percent(estimate.low)}–${percent(estimate.high)} · typical ${percent(estimate.baseline)}</text>
  </svg>`;
}

function renderEstimate(estimate, blank) {
  // with no estimate, no headings over nothing
  for (const id of ["gains-title", "gains", "factors-box"]) $(id).hidden = !estimate;
  if (!estimate) {
    $("gauge").innerHTML = "";
    $("estimate-text").textContent = blank
      ? "Start writing: the findings and the refund estimate appear as you type."
      : "No estimate for this draft.";
    $("factors").replaceChildren();
    $("gains").replaceChildren();
    $("grades").textContent = "";
    return;
  }
  $("gauge").innerHTML = gauge(estimate);
  $("gauge").dataset.probability = String(estimate.probability);
  $("estimate-text").textContent = estimate.summary;
  const factors = [...estimate.factors].sort((a, b) => Math.abs(Math.log(b.odds_ratio)) - Math.abs(Math.log(a.odds_ratio)));
  $("factors").replaceChildren(...factors.map((f) => {
    const item = document.createElement("li");
    const sign = document.createElement("span");
    sign.className = f.odds_ratio > 1 ? "up" : f.odds_ratio < 1 ? "down" : "";
    sign.textContent = f.odds_ratio > 1 ? "▲ " : f.odds_ratio < 1 ? "▼ " : "· ";
    const source = document.createElement("small");
    source.textContent = f.cited;
    item.append(sign, document.createTextNode(`${f.observed} (×${f.odds_ratio.toFixed(2)} odds)`), source);
    return item;
  }));
  $("grades").textContent = estimate.grades;
  const gains = estimate.if_fixed.filter((g) => Math.round(g.probability * 100) > Math.round(estimate.probability * 100));
  const items = gains.map((g) => `fixing ${g.code} would raise it to ${percent(g.probability)}`);
  const also = estimate.also_lower || [];
  if (also.length) {
    items.push(`${also.join(", ")} ${also.length === 1 ? "lowers" : "lower"} it too, but fixing one alone would not show while the rest remain`);
  }
  // with no fix to show: "nothing found lowers it" only when nothing does (a factor such as "nothing about the
  // reader" lowers it without one finding whose fix the model measures)
  const lowered = estimate.factors.some((f) => f.odds_ratio < 1);
  const none = lowered ? "no single fix is measured; what lowers it is listed below" : "nothing found lowers it";
  $("gains").replaceChildren(...(items.length ? items : [none]).map((text) => {
    const item = document.createElement("li");
    item.textContent = text;
    return item;
  }));
}

// --- fixes and files ----------------------------------------------------------------------------------------
async function applyFix(d) {
  try {
    const result = await api("/api/fix", request({ index: d.index, code: d.code }));
    $("subject").value = result.fields.subject;
    $("body").value = result.fields.body;
    if (state.path) state.base = result.source;
    fitSubject();
    state.seq += 1; // any lint under way is for the text before the fix
    render(result);
    status(`Fixed ${d.code}: ${result.fixed.message}.${state.path ? " Save to keep it." : ""}`);
  } catch (error) {
    showAlert(error.message);
  }
}

function setEditable(editable, frontMatter) {
  state.editable = editable;
  const note = $("context-note");
  note.hidden = !state.path;
  note.textContent = frontMatter
    ? "This draft's kind and recipient, from its front matter; a change here is written there when you save."
    : "This draft has no front matter; a kind or recipient set here is written into new front matter when you save (its subject line moves there).";
  syncContext();
}

async function openFile(path) {
  try {
    const result = await api(`/api/file?path=${encodeURIComponent(JSON.stringify(path))}`);
    Object.assign(state, { path: result.path, base: result.base, etag: result.etag });
    $("subject").value = result.fields.subject;
    $("body").value = result.fields.body;
    $("file-label").textContent = `Editing ${result.path}`;
    $("save").disabled = false;
    fillContext(result.kind, result.recipient, result.recipient_profile, result.cta);
    setEditable(true, result.front_matter);
    selectTab("tab-write");
    fitSubject();
    state.seq += 1;
    render(result);
    status(`Opened ${result.path}.`);
    showAlert("");
  } catch (error) {
    showAlert(error.message);
  }
}

function newDraft() {
  Object.assign(state, { path: null, base: null, etag: null });
  $("subject").value = "";
  $("body").value = "";
  $("file-label").textContent = "New draft";
  $("save").disabled = true;
  fillContext(state.folder ? state.folder.kind : null, null, null); // nothing kept from an earlier draft
  setEditable(true);
  fitSubject();
  status("A new draft: nothing is written until you save it with a name.");
  lintNow();
}

async function save() {
  if (!state.path) return;
  try {
    const result = await api("/api/save", request({ etag: state.etag }));
    Object.assign(state, { base: result.base, etag: result.etag, contextChanged: null });
    render(result);
    status(`Saved ${result.path}.`);
    showAlert("");
    loadFolder();
  } catch (error) {
    showAlert(error.message);
  }
}

async function saveAs() {
  const name = $("save-name").value.trim();
  if (!name) { showAlert("Give the new file a name, such as drafts/ana.inmail."); return; }
  try {
    const body = { ...request(), create: true, path: name, kind: $("kind").value, recipient: recipient() };
    delete body.base;
    if (state.path) { showAlert("This draft has a file already: Save writes it. Start a new draft to save under a new name."); return; }
    const result = await api("/api/save", body);
    Object.assign(state, { path: result.path, base: result.base, etag: result.etag });
    $("file-label").textContent = `Editing ${result.path}`;
    $("save").disabled = false;
    setEditable(false);
    render(result);
    status(`Saved as ${result.path}.`);
    showAlert("");
    loadFolder();
  } catch (error) {
    showAlert(error.message);
  }
}

// --- the folder ---------------------------------------------------------------------------------------------
async function loadFolder() {
  try {
    const folder = await api("/api/folder");
    state.folder = folder;
    $("folder-name").textContent = folder.folder;
    $("folder-path").textContent = `${folder.drafts.length} drafts and templates in ${folder.folder}`;
    const kind = $("kind");
    if (!kind.options.length) {
      for (const k of folder.kinds) kind.add(new Option(`${k.title} (${k.name})`, k.name, false, k.name === folder.kind));
    }
    fillSelect($("profile"), folder.profiles, "(the fields below)");
    syncContext(); // the kinds are known now: a Message Ad's button label is shown
    // only templates, and only the tables whose header names a template's variable (not an outcome history)
    fillSelect($("merge-template"), folder.drafts.filter((d) => d.template).map((d) => d.path));
    fillSelect($("merge-table"), folder.tables);
    if (!folder.tables.length) $("merge-status").textContent = "No CSV here has a column named like a template's variable.";
    else if ($("merge-rows").hidden) $("merge-status").textContent = MERGE_HINT; // nothing rendered yet
    $("folder-notes").replaceChildren(...folder.notes.map((n) => Object.assign(document.createElement("li"), { textContent: n })));
    renderFolder();
  } catch (error) {
    showAlert(error.message);
  }
}

function fillSelect(select, values, empty) {
  const chosen = select.value;
  select.replaceChildren();
  if (empty !== undefined) select.add(new Option(empty, ""));
  for (const value of values) select.add(new Option(value, value, false, value === chosen));
}

function renderFolder() {
  const { key, dir } = state.sort;
  const rows = [...state.folder.drafts].sort((a, b) => {
    const x = a[key] ?? -1, y = b[key] ?? -1;
    return (x < y ? -1 : x > y ? 1 : 0) * dir;
  });
  for (const th of document.querySelectorAll("#folder-table th")) {
    const button = th.querySelector("button");
    th.setAttribute("aria-sort", button.dataset.sort === key ? (dir > 0 ? "ascending" : "descending") : "none");
  }
  const body = document.querySelector("#folder-table tbody");
  body.replaceChildren(...rows.map((d) => {
    const row = document.createElement("tr");
    const name = document.createElement("td");
    const open = document.createElement("button");
    open.type = "button";
    open.textContent = d.path + (d.template ? " (template)" : "");
    open.addEventListener("click", () => openFile(d.path));
    name.append(open);
    row.append(name);
    for (const [value, numeric] of [[d.kind, false], [d.errors, true], [d.warnings, true], [d.infos, true],
      [d.estimate === null ? "–" : percent(d.estimate), true]]) {
      const cell = document.createElement("td");
      cell.textContent = value ?? "";
      if (numeric) cell.className = "num";
      row.append(cell);
    }
    return row;
  }));
}

// --- mail merge ---------------------------------------------------------------------------------------------
const MERGE_HINT = "Each row of the CSV is put into the template and linted as it would be sent: choose the two, then render them.";

async function renderMerge(event) {
  event.preventDefault();
  const template = $("merge-template").value, table = $("merge-table").value;
  if (!template || !table) { $("merge-status").textContent = "Choose a template and a CSV in the folder."; return; }
  $("merge-status").textContent = "Rendering…";
  try {
    const merged = await api(`/api/merge?template=${encodeURIComponent(JSON.stringify(template))}&table=${encodeURIComponent(JSON.stringify(table))}`);
    $("merge-status").textContent = `${merged.rows.length} of ${merged.total} rows of ${merged.table} in ${merged.template}.`;
    $("merge-rows").hidden = false; // (no empty table before the first rendering)
    const body = document.querySelector("#merge-rows tbody");
    body.replaceChildren(...merged.rows.map((r) => {
      const row = document.createElement("tr");
      const cells = [r.id ? `${r.row} (${r.id})` : String(r.row), r.subject, r.body];
      for (const text of cells) row.append(Object.assign(document.createElement("td"), { textContent: text }));
      const findings = document.createElement("td");
      const list = document.createElement("ul");
      list.className = "findings";
      for (const d of r.diagnostics) {
        const item = document.createElement("li");
        item.innerHTML = `<span class="sev ${d.severity}">${d.severity}</span><span class="code">${d.code}</span>`;
        item.append(document.createTextNode(d.message));
        list.append(item);
      }
      findings.append(list);
      row.append(findings);
      row.append(Object.assign(document.createElement("td"), {
        className: "num", textContent: r.estimate === null ? "–" : percent(r.estimate),
      }));
      return row;
    }));
  } catch (error) {
    $("merge-status").textContent = "";
    showAlert(error.message);
  }
}

// --- credits ------------------------------------------------------------------------------------------------
async function loadPlans() {
  try {
    const { plans } = await api("/api/plans");
    fillSelect($("plan"), []);
    // the name alone in the list (a phone's select cut "Sales Navigator Advanced Plus (50 a month, cap ..."); the
    // chosen plan's credits under it
    state.plans = Object.fromEntries(plans.map((p) => [p.name, p]));
    for (const p of plans) $("plan").add(new Option(p.title, p.name));
    showPlan();
  } catch (error) {
    showAlert(error.message);
  }
}

function showPlan() {
  const plan = state.plans && state.plans[$("plan").value];
  $("plan-note").textContent = plan ? `${plan.monthly} InMail credits a month, at most ${plan.cap} held` : "";
}

async function planCredits(event) {
  event.preventDefault();
  const number = (id) => ($(id).value === "" ? null : Number($(id).value));
  try {
    const plan = await api("/api/credits", {
      plan: $("plan").value, per_month: number("per-month"), months: number("months"),
      response_rate: number("rate"), balance: number("balance") || 0,
    });
    const out = plan.ran_out.length ? `runs out in month ${plan.ran_out.join(", ")}` : "never runs out";
    $("credits-summary").textContent = `${plan.plan.title}: response rate ${percent(plan.response_rate)} `
      + `(${plan.response_rate_basis}); ${out}; sustainable: about ${Math.round(plan.sustainable_per_month)} sends a month.`;
    $("chart").innerHTML = chart(plan);
    const body = document.querySelector("#credits-table tbody");
    body.replaceChildren(...plan.months.map((m) => {
      const row = document.createElement("tr");
      // credits are whole sends: the planner's expected values are shown rounded, as the command line shows them
      for (const v of [m.month, m.allotted, m.sent, m.refunded, m.expired, m.over_cap, m.balance_end]) {
        row.append(Object.assign(document.createElement("td"), { className: "num", textContent: String(Math.round(v)) }));
      }
      return row;
    }));
    showAlert("");
  } catch (error) {
    showAlert(error.message);
  }
}

function chart(plan) {
  const { balance, sent, refunded, expired, cap } = plan.chart;
  const n = balance.length, width = 640, height = 300, left = 44, bottom = 30, top = 24;
  const max = Math.max(cap, ...balance, ...sent, ...refunded, ...expired, 1);
  const x = (i) => left + (i + 0.5) * ((width - left - 10) / n);
  const y = (v) => height - bottom - (v / max) * (height - bottom - top);
  const bar = (width - left - 10) / n * 0.6;
  const line = (values) => values.map((v, i) => `${i ? "L" : "M"} ${x(i).toFixed(1)} ${y(v).toFixed(1)}`).join(" ");
  const bars = balance.map((v, i) => `<rect class="bar-balance" x="${(x(i) - bar / 2).toFixed(1)}" y="${y(v).toFixed(1)}" width="${bar.toFixed(1)}" height="${(height - bottom - y(v)).toFixed(1)}"><title>month ${i + 1}: balance ${v}</title></rect>`).join("");
  const labels = balance.map((_, i) => `<text x="${x(i).toFixed(1)}" y="${height - 12}" text-anchor="middle">${i + 1}</text>`).join("");
  const ticks = [0, 0.5, 1].map((f) => `<text x="${left - 6}" y="${(y(max * f) + 4).toFixed(1)}" text-anchor="end">${Math.round(max * f)}</text>`).join("");
  return `<svg viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="chart-title">
    <title id="chart-title">Credit balance by month (bars); InMails sent, refunded and expired (lines)</title>
    <line class="axis" x1="${left}" y1="${height - bottom}" x2="${width - 10}" y2="${height - bottom}"/>
    <line class="cap" x1="${left}" y1="${y(cap).toFixed(1)}" x2="${width - 10}" y2="${y(cap).toFixed(1)}"/>
    <text x="${width - 12}" y="${(y(cap) - 4).toFixed(1)}" text-anchor="end">cap ${cap}</text>
    ${bars}
    <path class="line-sent" d="${line(sent)}"/><path class="line-refunded" d="${line(refunded)}"/><path class="line-expired" d="${line(expired)}"/>
    ${labels}${ticks}
    ${legend(left, top - 6)}
  </svg>`;
}

// the legend draws each series as the chart does: the bar's colour, and each line's colour and dash
function legend(x0, y0) {
  const items = [["swatch-balance", "balance", true], ["line-sent", "sent"], ["line-refunded", "refunded"], ["line-expired", "expired"]];
  let x = x0, out = "";
  for (const [cls, label, isBar] of items) {
    out += isBar
      ? `<rect class="${cls}" x="${x}" y="${y0 - 7}" width="12" height="10"/>`
      : `<path class="${cls}" d="M ${x} ${y0 - 2} L ${x + 18} ${y0 - 2}"/>`;
    x += isBar ? 16 : 22;
    out += `<text class="legend" x="${x}" y="${y0 + 2}">${label}</text>`;
    x += label.length * 6.5 + 14;
  }
  return `<g class="chart-legend">${out}</g>`;
}

// --- tabs, theme, start -------------------------------------------------------------------------------------
function selectTab(id) {
  for (const tab of document.querySelectorAll('[role="tab"]')) {
    const chosen = tab.id === id;
    tab.setAttribute("aria-selected", String(chosen));
    tab.tabIndex = chosen ? 0 : -1;
    $(tab.getAttribute("aria-controls")).hidden = !chosen;
  }
  if (id === "tab-write") { fitSubject(); paint("subject"); paint("body"); }
}

function setTheme(theme) {
  document.documentElement.dataset.theme = theme;
  $("theme").setAttribute("aria-pressed", String(theme === "dark"));
  $("theme").textContent = theme === "dark" ? "Light theme" : "Dark theme";
  localStorage.setItem("inmail-lint-theme", theme);
}

function start() {
  setTheme(localStorage.getItem("inmail-lint-theme") || (matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light"));
  $("theme").addEventListener("click", () => setTheme(document.documentElement.dataset.theme === "dark" ? "light" : "dark"));
  const tabs = [...document.querySelectorAll('[role="tab"]')];
  for (const tab of tabs) {
    tab.addEventListener("click", () => selectTab(tab.id));
    tab.addEventListener("keydown", (event) => {
      const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
      if (!step) return;
      const next = tabs[(tabs.indexOf(tab) + step + tabs.length) % tabs.length];
      selectTab(next.id);
      next.focus();
    });
  }
  for (const field of ["subject", "body"]) {
    const area = $(field);
    area.addEventListener("input", () => { if (field === "subject") fitSubject(); paint(field); scheduleLint(); });
    area.addEventListener("scroll", () => syncScroll(field));
    area.addEventListener("mousemove", hover);
    area.addEventListener("mouseleave", () => { $("tooltip").hidden = true; });
    for (const type of ["keyup", "click", "focus", "select"]) area.addEventListener(type, describeHere);
  }
  $("subject").addEventListener("keydown", (event) => { if (event.key === "Enter") event.preventDefault(); });
  for (const el of $("context").querySelectorAll("input, select")) {
    el.addEventListener("input", () => {
      state.contextChanged = state.contextChanged || new Set();
      state.contextChanged.add(el.id === "kind" || el.id === "cta" ? el.id : "recipient");
      if (el.id === "kind") syncContext();
      if (el.id === "profile") {
        syncContext();
        if (el.value) showProfile(el.value);
      }
      scheduleLint();
    });
  }
  $("copy-subject").addEventListener("click", () => copyText(state.result ? state.result.message.subject : "", "subject"));
  $("copy-message").addEventListener("click", () => copyText(state.result ? state.result.message.body : "", "message"));
  $("new-draft").addEventListener("click", newDraft);
  $("save").addEventListener("click", save);
  $("save-as").addEventListener("click", saveAs);
  document.addEventListener("keydown", (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key === "s") { event.preventDefault(); if (state.path) save(); }
  });
  for (const button of document.querySelectorAll("#folder-table th button")) {
    button.addEventListener("click", () => {
      const key = button.dataset.sort;
      state.sort = { key, dir: state.sort.key === key ? -state.sort.dir : 1 };
      renderFolder();
    });
  }
  $("merge-form").addEventListener("submit", renderMerge);
  $("credits-form").addEventListener("submit", planCredits);
  $("plan").addEventListener("change", showPlan);
  new ResizeObserver(() => { paint("subject"); paint("body"); }).observe($("body"));
  if (!token) {
    showAlert("Open the address that inmail-lint web printed: it carries the key this page needs.");
    return;
  }
  loadFolder().then(() => { loadPlans(); newDraft(); });
}

start();
