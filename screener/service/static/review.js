// The review page: a queue of screened ads, the evidence of one, and the moderator's decision.
// Ad text only ever enters the page as text nodes (append / textContent), never as HTML.
"use strict";

const ELEMENTS = ["ACT", "MEANS", "PURPOSE"];
const ELEMENT_NAMES = {
  ACT: "recruitment, transport, transfer, harbouring or receipt of persons",
  MEANS: "force, coercion, deception, abuse of vulnerability, payments",
  PURPOSE: "exploitation: sexual, forced labour, servitude, organs",
};
const DECISION_NAMES = { suspicious: "suspicious", not_suspicious: "not suspicious", unsure: "unsure" };
// Characters that reorder or hide text; shown as visible marks so an ad cannot disguise itself.
const CONTROLS = /[\u061C\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/u;
const state = { queue: [], index: -1, limits: { max_text_chars: 100000, max_batch_texts: 100 }, pasted: 0 };
const $ = (id) => document.getElementById(id);

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children);  // strings become text nodes
  return node;
}

function signed(x) { return (x >= 0 ? "+" : "−") + Math.abs(x).toFixed(2); }

// Text with its control characters made visible (⟨U+202E⟩), as nodes.
function textNodes(text) {
  const parts = [];
  let plain = "";
  for (const ch of text) {
    if (CONTROLS.test(ch)) {
      if (plain) parts.push(document.createTextNode(plain));
      plain = "";
      const code = "U+" + ch.codePointAt(0).toString(16).toUpperCase().padStart(4, "0");
      parts.push(el("span", { class: "ctl", title: `hidden control character ${code}` }, `⟨${code}⟩`));
    } else plain += ch;
  }
  if (plain) parts.push(document.createTextNode(plain));
  return parts;
}

async function api(path, options = {}) {
  const headers = { "Content-Type": "application/json" };
  const key = $("api-key").value;
  if (key) headers["X-API-Key"] = key;
  const response = await fetch(path, { ...options, headers });
  if (!response.ok) {
    let detail = response.statusText;
    try { detail = (await response.json()).detail; } catch (_) { /* not JSON */ }
    throw new Error(`${response.status}: ${detail}`);
  }
  return response;
}

function say(message, error = false) {
  const status = $("status");
  status.textContent = message;
  status.classList.toggle("error", error);
}

// ---- reading files of ads (in the browser) ----
function parseCsv(text, separator) {
  const rows = [];
  let row = [], field = "", quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === separator) { row.push(field); field = ""; }
    else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field); rows.push(row); row = []; field = "";
    } else field += c;
  }
  if (field || row.length) { row.push(field); rows.push(row); }
  const header = (rows.shift() || []).map((name) => name.replace(/^\uFEFF/, "").trim());
  return rows.filter((r) => r.some((v) => v !== "")).map((r) => Object.fromEntries(header.map((name, i) => [name, r[i] ?? ""])));
}

function parseJsonLines(text) {
  return text.split(/\r?\n/).filter((line) => line.trim()).map((line, i) => {
    try { return JSON.parse(line); } catch (_) { throw new Error(`line ${i + 1} is not JSON`); }
  });
}

function adsOf(name, text) {
  const records = /\.(jsonl|ndjson|json)$/i.test(name) || text.trimStart().startsWith("{")
    ? parseJsonLines(text) : parseCsv(text, /\.tsv$/i.test(name) ? "\t" : ",");
  if (!records.length) throw new Error("no ads in the file");
  const column = ["text", "body", "ad", "description"].find((c) => c in records[0]);
  if (!column) throw new Error(`no text column; the columns are: ${Object.keys(records[0]).join(", ")}`);
  const idColumn = ["id", "ad_id"].find((c) => c in records[0]);
  return records.map((r, i) => ({ id: idColumn ? String(r[idColumn]) : `${name} row ${i + 1}`, text: String(r[column] ?? "") }));
}

// ---- the queue ----
function sortQueue() {
  const current = state.queue[state.index];
  const rank = (item) => (item.result ? (item.result.flagged ? 2 : 1) : 0);
  state.queue.sort((a, b) => rank(b) - rank(a) || (b.result?.risk ?? 0) - (a.result?.risk ?? 0));
  state.index = state.queue.indexOf(current);
}

function renderQueue() {
  const list = $("queue");
  list.replaceChildren();
  $("queue-count").textContent = state.queue.length ? `(${state.queue.length})` : "";
  state.queue.forEach((item, i) => {
    const snippet = item.text.replace(new RegExp(CONTROLS, "gu"), "⟨?⟩").slice(0, 90);
    const risk = item.result ? item.result.risk.toFixed(2) : "—";
    const status = item.error ? `error: ${item.error}` : item.review ? `reviewed: ${DECISION_NAMES[item.review.decision]}` : "not reviewed";
    const button = el("button", { type: "button", "aria-current": String(i === state.index) },
      el("span", { class: "qrisk" }, risk),
      el("span", {}, item.result?.flagged ? el("span", { class: "qflag" }, "flagged · ") : "", `${item.id} · ${status}`),
      el("span", { class: "qtext" }, snippet));
    button.addEventListener("click", () => show(i));
    list.append(el("li", {}, button));
  });
}

async function screenAds(ads) {
  const limit = state.limits.max_text_chars;
  const fits = ads.filter((ad) => ad.text.length <= limit);
  for (const ad of ads) if (ad.text.length > limit) ad.error = `longer than ${limit} characters`;
  for (let low = 0; low < fits.length; low += state.limits.max_batch_texts) {
    const part = fits.slice(low, low + state.limits.max_batch_texts);
    const response = await api("/v1/screen/batch", { method: "POST", body: JSON.stringify({ texts: part.map((ad) => ad.text) }) });
    (await response.json()).forEach((result, i) => { part[i].result = result; });
  }
  state.queue.push(...ads);
  sortQueue();
}

// ---- one ad ----
function renderText(container, tips, text, hits) {
  const chars = Array.from(text);  // result offsets count code points
  const shown = hits.filter((h) => h.end > h.start && h.end <= chars.length);
  const cuts = [...new Set([0, chars.length, ...shown.flatMap((h) => [h.start, h.end])])].sort((a, b) => a - b);
  container.replaceChildren();
  tips.replaceChildren();
  for (let i = 0; i + 1 < cuts.length; i++) {
    const [start, end] = [cuts[i], cuts[i + 1]];
    const piece = textNodes(chars.slice(start, end).join(""));
    const covering = shown.filter((h) => h.start <= start && h.end >= end);
    if (!covering.length) { container.append(...piece); continue; }
    const live = covering.filter((h) => !h.negated);
    const main = (live.length ? live : covering).reduce((a, b) => (Math.abs(b.contribution) > Math.abs(a.contribution) ? b : a));
    const tip = covering.map((h) => `${h.element}: ${h.label} (${signed(h.contribution)})${h.negated ? ", negated: not an indicator" : ""}`).join("\n");
    const tipId = `tip-${i}`;
    tips.append(el("span", { id: tipId }, tip));
    const kind = live.length ? `el-${ELEMENTS.includes(main.element) ? main.element : "other"}` : "negated";
    container.append(el("mark", { class: `hit ${kind}`, tabindex: "0", title: tip, "data-tip": tip, "aria-describedby": tipId }, ...piece));
  }
}

function card(name, finding) {
  const list = el("ul");
  for (const hit of finding.hits) list.append(el("li", {}, el("q", {}, ...textNodes(hit.text)), ` ${hit.label} (${signed(hit.contribution)})`));
  const body = [el("p", { class: "state" }, finding.present ? `Present, ${signed(finding.contribution)}` : "Not shown")];
  if (finding.hits.length) body.push(list);
  if (finding.cues.length) body.push(el("p", {}, "Suggested by the wording: ", ...finding.cues.flatMap((cue, i) => [i ? ", " : "", el("q", {}, ...textNodes(cue))])));
  return el("section", { class: `card el-${name}`, "aria-label": `${name} evidence` }, el("h4", {}, name), el("p", { class: "muted small" }, ELEMENT_NAMES[name]), ...body);
}

function show(index) {
  if (index < 0 || index >= state.queue.length) return;
  state.index = index;
  const item = state.queue[index];
  renderQueue();
  $("empty").hidden = true;
  $("detail").hidden = false;
  $("ad-title").textContent = `Ad ${item.id}`;
  const result = item.result;
  $("risk").textContent = result ? `Risk ${result.risk.toFixed(2)}` : "Not screened";
  $("level").textContent = result ? result.level : "";
  $("level").className = `badge ${result ? result.level : ""}`;
  $("flag").textContent = result ? (result.flagged ? "flagged for review" : "not flagged") : "";
  $("summary").textContent = result ? result.summary : item.error || "";
  $("warnings").replaceChildren(...(result ? result.warnings : []).map((w) => el("li", {}, w)));
  renderText($("text"), $("tips"), item.text, result ? result.hits : []);
  $("text").classList.toggle("long", item.text.length > 3000);  // a scroll box; short ads show whole, tips unclipped
  const cards = result ? ELEMENTS.map((name) => card(name, result.elements[name])) : [];
  if (result) {
    cards.push(el("section", { class: "card", "aria-label": "child branch" }, el("h4", {}, "Child branch (Art. 3(c))"),
      el("p", { class: "state" }, result.child_branch ? "A minor is indicated: the means are not required" : "No minor indicated")));
  }
  $("cards").replaceChildren(...cards);
  const review = item.review;
  $("note").value = review ? review.note : "";
  for (const box of document.querySelectorAll("input[name=element]")) box.checked = review ? review.elements.includes(box.value) : false;
  for (const button of document.querySelectorAll("button.decision")) button.setAttribute("aria-pressed", String(review?.decision === button.dataset.decision));
  say(review ? `Reviewed: ${DECISION_NAMES[review.decision]} (review ${review.id}, ${review.updated_at})` : "");
}

async function decide(decision) {
  const item = state.queue[state.index];
  if (!item || !item.result) return;
  const elements = [...document.querySelectorAll("input[name=element]:checked")].map((box) => box.value);
  const body = { text: item.text, decision, elements, note: $("note").value };
  if (!item.pasted) body.ad_id = item.id;
  try {
    item.review = await (await api("/v1/reviews", { method: "POST", body: JSON.stringify(body) })).json();
  } catch (error) {
    say(`Not recorded: ${error.message}`, true);
    return;
  }
  const index = state.index;
  if (index + 1 < state.queue.length) show(index + 1); else show(index);
  say(`Recorded: ad ${item.id} ${DECISION_NAMES[decision]} (review ${item.review.id}).`);
}

async function exportReviews() {
  try {
    const blob = await (await api("/v1/reviews.csv")).blob();
    const link = el("a", { href: URL.createObjectURL(blob), download: "reviews.csv" });
    document.body.append(link);
    link.click();
    link.remove();
    say("Exported the reviews to reviews.csv.");
  } catch (error) {
    say(`Export failed: ${error.message}`, true);
  }
}

function typing(target) {
  return target.tagName === "TEXTAREA" || target.tagName === "SELECT" || (target.tagName === "INPUT" && !["checkbox", "radio", "button"].includes(target.type));
}

function onKey(event) {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (typing(event.target)) {
    if (event.key === "Escape") { event.target.blur(); $("ad").focus(); }
    return;
  }
  const actions = {
    j: () => show(state.index + 1),
    k: () => show(state.index - 1),
    s: () => decide("suspicious"),
    n: () => decide("not_suspicious"),
    u: () => decide("unsure"),
    e: () => { if (!$("detail").hidden) $("note").focus(); },
  };
  const action = actions[event.key];
  if (action) { event.preventDefault(); action(); }
}

async function start() {
  try {
    const health = await (await fetch("/healthz")).json();
    state.limits = health.limits;
    $("model").textContent = `Model ${health.model} ${health.model_version} (sha256 ${health.model_sha256.slice(0, 12)}…), profile ${health.profile}`;
  } catch (_) { $("model").textContent = "The service does not answer."; }
  $("paste-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = $("paste").value;
    if (!text.trim()) return;
    state.pasted += 1;
    const ad = { id: `pasted ${state.pasted}`, text, pasted: true };
    try { await screenAds([ad]); } catch (error) { say(`Not screened: ${error.message}`, true); return; }
    $("paste").value = "";
    show(state.queue.indexOf(ad));
  });
  $("file").addEventListener("change", async () => {
    const file = $("file").files[0];
    if (!file) return;
    try {
      await screenAds(adsOf(file.name, await file.text()));
      show(0);
      say(`Loaded ${file.name}: ${state.queue.length} ads in the queue.`);
    } catch (error) { say(`Could not load ${file.name}: ${error.message}`, true); }
  });
  for (const button of document.querySelectorAll("button.decision")) button.addEventListener("click", () => decide(button.dataset.decision));
  $("export").addEventListener("click", exportReviews);
  document.addEventListener("keydown", onKey);
}

start();
