// hookcat inspector. Everything that came from the network (paths, headers, bodies,
// verdicts, answers) is put in the page as text (textContent, input values), never as
// markup (a test in src/ui/mod.rs holds this file to that).
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const params = new URLSearchParams(location.search);
  if (params.get("token")) {
    sessionStorage.setItem("hookcat-token", params.get("token"));
    // Out of the address bar (and so out of screenshots and history).
    history.replaceState(null, "", location.pathname);
  }
  const token = sessionStorage.getItem("hookcat-token") || "";
  const PAGE = 100;
  const HIGHLIGHT_MAX = 200 * 1024;

  let info = { resign: false };
  let next = null; // where the next older page ends
  let current = null; // the capture shown
  let revealed = false;
  let raw = false;
  const picked = new Set(); // ids to diff
  const shown = new Set(); // ids in the list

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function clear(e) {
    while (e.firstChild) e.removeChild(e.firstChild);
  }

  function showError(msg) {
    const e = $("error");
    e.textContent = msg || "";
    e.hidden = !msg;
  }

  async function api(path, opts) {
    const o = opts || {};
    const headers = Object.assign({ "X-Hookcat-Token": token }, o.headers || {});
    const resp = await fetch(path, Object.assign({}, o, { headers, credentials: "same-origin" }));
    const type = resp.headers.get("content-type") || "";
    const body = type.includes("application/json") ? await resp.json() : await resp.text();
    if (!resp.ok) throw new Error((body && body.error) || resp.status + " " + resp.statusText);
    return body;
  }

  function withToken(path) {
    return path + (path.includes("?") ? "&" : "?") + "token=" + encodeURIComponent(token);
  }

  function filterQuery() {
    const q = new URLSearchParams();
    for (const [k, v] of new FormData($("filters"))) if (String(v).trim()) q.set(k, String(v).trim());
    return q;
  }

  // ---- the list

  function time(s) {
    return (s || "").slice(11, 19);
  }

  function size(n) {
    if (n < 1024) return n + " B";
    if (n < 1024 * 1024) return (n / 1024).toFixed(1) + " KiB";
    return (n / 1024 / 1024).toFixed(1) + " MiB";
  }

  function row(c, fresh) {
    const li = el("li", fresh ? "fresh" : "");
    li.dataset.id = c.id;
    if (c.at !== null && c.at !== undefined) li.dataset.at = String(c.at);
    const mark = el("span", "mark " + (c.valid === true ? "ok" : c.valid === false ? "bad" : "dim"),
      c.valid === true ? "✓" : c.valid === false ? "✗" : "·");
    mark.title = c.reason || "not verified";
    const pick = el("input");
    pick.type = "checkbox";
    pick.title = "pick to diff";
    pick.checked = picked.has(c.id);
    pick.addEventListener("click", (ev) => {
      ev.stopPropagation();
      if (pick.checked) picked.add(c.id); else picked.delete(c.id);
      updateCompare();
    });
    const l1 = el("span", "line1");
    l1.append(pick, el("b", "", c.method + " "), document.createTextNode(c.path));
    const who = [c.provider, c.event].filter(Boolean).join(" ");
    const l2 = el("span", "line2", [time(c.received_at), size(c.size), who, c.valid === false ? c.reason : ""]
      .filter(Boolean).join(" · "));
    const st = el("span", "status " + (c.status >= 400 ? "bad" : ""), c.status === null ? "—" : c.status);
    st.title = c.answer || "";
    li.append(mark, l1, st, l2);
    li.addEventListener("click", () => open(c.id, li.dataset.at));
    return li;
  }

  function updateCompare() {
    const bar = $("compare-bar");
    bar.hidden = picked.size === 0;
    $("compare-count").textContent = picked.size + " picked";
    $("diff").disabled = picked.size !== 2;
  }

  async function load(more) {
    showError("");
    const q = filterQuery();
    q.set("limit", String(PAGE));
    if (more && next !== null) q.set("before", String(next));
    let page;
    try {
      page = await api("/api/captures?" + q.toString());
    } catch (e) {
      if (!more) { clear($("list")); shown.clear(); }
      $("older").hidden = true;
      $("empty").hidden = false;
      showError(e.message);
      return;
    }
    if (!more) { clear($("list")); shown.clear(); }
    for (const c of page.captures) {
      if (shown.has(c.id)) continue;
      shown.add(c.id);
      $("list").append(row(c, false));
    }
    next = page.next;
    $("older").hidden = next === null;
    $("empty").hidden = shown.size > 0;
  }

  // Live captures are shown in batches (however fast they come, one change to the
  // list per turn), at most MAX_ROWS rows kept. With filters set, the server says
  // which of them the filters keep: one request per batch, not per capture.
  const MAX_ROWS = 2000;
  let pending = [];
  let flushing = false;
  let lastFlush = 0;

  function filtersSet() {
    return [...filterQuery().keys()].length > 0;
  }

  // Takes an event's captures: shown at once without filters (the stream already
  // batches what comes fast), after a moment with them (one question per moment).
  function live(batch) {
    pending.push(...batch);
    if (flushing) return;
    flushing = true;
    if (filtersSet()) setTimeout(flush, 250); else flush();
  }

  async function flush() {
    let batch = pending.reverse(); // newest first, as the list
    pending = [];
    if (filtersSet()) {
      const q = filterQuery();
      q.set("limit", String(Math.min(500, batch.length + 20)));
      try {
        const ids = new Set(batch.map((c) => c.id));
        batch = (await api("/api/captures?" + q.toString())).captures.filter((c) => ids.has(c.id));
      } catch (e) { batch = []; }
    }
    // A capture that comes alone flashes; under load none does (an animation per row
    // would keep the page busy painting).
    const now = Date.now();
    const flash = batch.length === 1 && now - lastFlush > 1000;
    lastFlush = now;
    const frag = document.createDocumentFragment();
    for (const c of batch) {
      if (shown.has(c.id)) continue;
      shown.add(c.id);
      frag.append(row(c, flash));
    }
    const list = $("list");
    list.prepend(frag);
    $("empty").hidden = shown.size > 0;
    if (list.children.length > MAX_ROWS) {
      while (list.children.length > MAX_ROWS) {
        shown.delete(list.lastChild.dataset.id);
        list.removeChild(list.lastChild);
      }
      // Older ones are a page away again: from the oldest row kept that has a place.
      const at = [...list.children].reverse().find((li) => li.dataset.at !== undefined);
      next = at ? Number(at.dataset.at) : null;
      $("older").hidden = next === null;
    }
    flushing = false;
    if (pending.length) live([]);
  }

  function connect() {
    const es = new EventSource(withToken("/api/events"));
    es.addEventListener("open", () => { $("conn").textContent = "live"; $("conn").className = "pill live"; });
    es.addEventListener("error", () => { $("conn").textContent = "reconnecting…"; $("conn").className = "pill"; });
    es.addEventListener("captures", (ev) => {
      let batch = [];
      try { batch = JSON.parse(ev.data); } catch (e) { return; }
      live(batch);
    });
    es.addEventListener("lagged", () => load(false));
  }

  // ---- the detail

  function showPane(id) {
    for (const p of ["detail", "diff-pane"]) $(p).hidden = p !== id;
    document.querySelector("main").classList.toggle("showing", Boolean(id));
  }

  async function open(id, at) {
    showError("");
    let d;
    try {
      d = await api("/api/captures/" + encodeURIComponent(id) + (at ? "?at=" + encodeURIComponent(at) : ""));
    } catch (e) { showError(e.message); return; }
    current = d;
    revealed = false;
    raw = false;
    for (const li of $("list").children) li.classList.toggle("selected", li.dataset.id === id);
    render();
    showPane("detail");
  }

  function render() {
    const d = current;
    const s = d.summary;
    $("d-title").textContent = s.method + " " + s.path;
    const v = d.verification;
    const verdict = $("d-verdict");
    clear(verdict);
    if (!v) {
      verdict.className = "verdict";
      verdict.textContent = "not verified (the listener had no secret)";
    } else {
      verdict.className = "verdict " + (v.valid ? "ok" : "bad");
      verdict.append(el("b", "", (v.valid ? "✓ valid " : "✗ invalid ") + v.scheme), document.createTextNode(": " + v.reason));
    }
    const diag = $("d-diagnosis");
    clear(diag);
    for (const f of (v && v.diagnosis) || []) {
      const li = el("li");
      li.append(el("code", "", f.code), document.createTextNode(f.message));
      diag.append(li);
    }
    renderAnswer(d);
    renderHeaders(d);
    renderBody(d);
    $("replay-resign").disabled = !info.resign;
    $("replay-resign").parentElement.title = info.resign ? "" : "start the inspector with the secret to re-sign";
    $("replay-body").value = d.body_text !== null ? d.body_text : "";
    $("replay-headers").value = "";
    clear($("replay-result"));
    $("curl").hidden = true;
    const base = "/api/captures/" + encodeURIComponent(s.id) + "/export/";
    $("dl-har").href = withToken(base + "har");
    $("dl-raw").href = withToken(base + "raw");
  }

  function renderAnswer(d) {
    const a = $("d-answer");
    clear(a);
    const r = d.response;
    if (!r) { a.textContent = "not answered"; return; }
    const line = [r.status === null ? "no status" : String(r.status), r.kind];
    if (r.duration_ms !== null && r.duration_ms !== undefined) line.push(r.duration_ms.toFixed(1) + " ms");
    a.append(el("div", r.status >= 400 ? "bad" : "", line.join(" · ")));
    if (r.note) a.append(el("div", "dim", r.note));
    if (r.body) a.append(el("pre", "", r.body));
    if (d.body_note) a.append(el("div", "bad", "body: " + d.body_note));
  }

  function renderHeaders(d) {
    const t = $("d-headers");
    clear(t);
    let hidden = 0;
    for (const h of d.headers) {
      const tr = el("tr");
      const masked = h.credential && !revealed;
      if (masked) hidden++;
      tr.append(el("td", "", h.name), el("td", masked ? "dim" : "", masked ? "•••••• (hidden)" : h.value));
      t.append(tr);
    }
    $("reveal").hidden = hidden === 0 && !revealed;
    $("reveal").textContent = revealed ? "hide credentials" : "show credentials";
  }

  function bytesOf(d) {
    if (d.body_base64 !== null) {
      const bin = atob(d.body_base64);
      const b = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) b[i] = bin.charCodeAt(i);
      return b;
    }
    return new TextEncoder().encode(d.body_text || "");
  }

  function hex(bytes) {
    const lines = [];
    const max = Math.min(bytes.length, 64 * 1024);
    for (let i = 0; i < max; i += 16) {
      const chunk = bytes.slice(i, i + 16);
      const h = [...chunk].map((b) => b.toString(16).padStart(2, "0")).join(" ");
      const a = [...chunk].map((b) => (b >= 32 && b < 127 ? String.fromCharCode(b) : ".")).join("");
      lines.push(i.toString(16).padStart(8, "0") + "  " + h.padEnd(48) + "  " + a);
    }
    if (bytes.length > max) lines.push("… " + (bytes.length - max) + " more bytes");
    return lines.join("\n");
  }

  // JSON as a tree: each object and array folds (a <details>), keys and values
  // coloured by class, every piece a text node. A large body is indented text only.
  const FOLD_OPEN_DEPTH = 2;

  function jsonScalar(v) {
    const cls = typeof v === "string" ? "j-str" : typeof v === "number" ? "j-num" : "j-lit";
    return el("span", cls, JSON.stringify(v));
  }

  function jsonNode(key, v, depth, last) {
    const comma = last ? "" : ",";
    const head = (parent) => {
      if (key !== null) parent.append(el("span", "j-key", JSON.stringify(key)), document.createTextNode(": "));
    };
    if (v === null || typeof v !== "object") {
      const line = el("div", "j-line");
      head(line);
      line.append(jsonScalar(v), document.createTextNode(comma));
      return line;
    }
    const isArray = Array.isArray(v);
    const entries = isArray ? v.map((x, i) => [null, x]) : Object.entries(v);
    const [open, close] = isArray ? ["[", "]"] : ["{", "}"];
    if (entries.length === 0) {
      const line = el("div", "j-line");
      head(line);
      line.append(document.createTextNode(open + close + comma));
      return line;
    }
    const d = el("details", "j-fold");
    d.open = depth < FOLD_OPEN_DEPTH;
    const sum = el("summary", "j-line");
    head(sum);
    sum.append(document.createTextNode(open), el("span", "j-count dim", " " + entries.length + (isArray ? " items " : " keys ") + close + comma));
    d.append(sum);
    const kids = el("div", "j-kids");
    entries.forEach(([k, x], i) => kids.append(jsonNode(k, x, depth + 1, i === entries.length - 1)));
    d.append(kids, el("div", "j-line", close + comma));
    return d;
  }

  function jsonInto(pre, value) {
    const text = JSON.stringify(value, null, 2);
    if (text.length > HIGHLIGHT_MAX) { pre.textContent = text; return; }
    pre.append(jsonNode(null, value, 0, true));
  }

  function xmlIndent(s) {
    let depth = 0;
    return s.replace(/>\s*</g, ">\n<").split("\n").map((line) => {
      if (/^<\//.test(line)) depth = Math.max(0, depth - 1);
      const out = "  ".repeat(depth) + line;
      if (/^<[^!?/][^>]*[^/]>$/.test(line) && !/<\/[^>]+>$/.test(line)) depth++;
      return out;
    }).join("\n");
  }

  function renderBody(d) {
    const pre = $("d-body");
    clear(pre);
    const ct = (d.content_type || "").toLowerCase();
    const binary = d.body_base64 !== null;
    const n = d.summary.size;
    $("d-bodyinfo").textContent = size(n) + (ct ? " · " + ct : "") + (binary ? " · binary" : "");
    $("rawtoggle").textContent = raw ? "pretty" : "raw";
    if (binary) { pre.textContent = hex(bytesOf(d)); return; }
    const text = d.body_text || "";
    if (raw || !text) { pre.textContent = text; return; }
    if (ct.includes("json") || /^\s*[[{]/.test(text)) {
      try { jsonInto(pre, JSON.parse(text)); return; } catch (e) { /* not JSON after all */ }
    }
    if (ct.includes("x-www-form-urlencoded")) {
      const t = el("table");
      for (const [k, v] of new URLSearchParams(text)) {
        const tr = el("tr");
        tr.append(el("td", "", k), el("td", "", v));
        t.append(tr);
      }
      pre.append(t);
      return;
    }
    if (ct.includes("xml") || /^\s*<\?xml/.test(text)) { pre.textContent = xmlIndent(text); return; }
    pre.textContent = text;
  }

  // ---- acting

  async function replay() {
    const out = $("replay-result");
    clear(out);
    const s = current.summary;
    const req = { to: $("replay-to").value.trim(), resign: $("replay-resign").checked, at: s.at };
    if ($("replay-edit").open) {
      const body = $("replay-body").value;
      if (current.body_text === null || body !== current.body_text) req.body = body;
      req.headers = $("replay-headers").value.split("\n").filter((l) => l.includes(":")).map((l) => {
        const i = l.indexOf(":");
        return [l.slice(0, i).trim(), l.slice(i + 1).trim()];
      });
    }
    localStorage.setItem("hookcat-replay-to", req.to);
    out.append(el("div", "dim", "sending…"));
    let r;
    try {
      r = await api("/api/captures/" + encodeURIComponent(s.id) + "/replay", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(req),
      });
    } catch (e) {
      clear(out);
      out.append(el("div", "bad", e.message));
      return;
    }
    clear(out);
    const head = r.error ? r.error : "→ " + r.status;
    const line = el("div", "replay-status " + (r.error || r.status >= 400 ? "bad" : "ok"),
      head + " in " + r.duration_ms.toFixed(1) + " ms" + (r.resigned ? " · re-signed (" + r.resigned + ")" : "") +
      (r.modified ? " · body edited" : ""));
    out.append(line, el("div", "dim", r.url));
    for (const w of r.warnings || []) out.append(el("div", "bad", "warning: " + w));
    if (r.body) out.append(el("pre", "replay-body", r.body + (r.truncated ? "\n…" : "")));
  }

  async function copyCurl() {
    const to = $("replay-to").value.trim() || "http://localhost:9000";
    const pre = $("curl");
    try {
      const text = await api("/api/captures/" + encodeURIComponent(current.summary.id) + "/export/curl?to=" + encodeURIComponent(to));
      pre.textContent = text;
      pre.hidden = false;
      if (navigator.clipboard) await navigator.clipboard.writeText(text).catch(() => {});
    } catch (e) { showError(e.message); }
  }

  async function diff() {
    const [a, b] = [...picked];
    let d;
    try {
      d = await api("/api/diff?a=" + encodeURIComponent(a) + "&b=" + encodeURIComponent(b));
    } catch (e) { showError(e.message); return; }
    const out = $("diff-out");
    clear(out);
    out.textContent = JSON.stringify(d, null, 2);
    showPane("diff-pane");
  }

  // ---- wiring

  $("filters").addEventListener("submit", (ev) => { ev.preventDefault(); load(false); });
  $("clear").addEventListener("click", () => { $("filters").reset(); load(false); });
  $("older").addEventListener("click", () => load(true));
  $("close").addEventListener("click", () => showPane(null));
  $("diff-close").addEventListener("click", () => showPane(null));
  $("reveal").addEventListener("click", () => { revealed = !revealed; renderHeaders(current); });
  $("rawtoggle").addEventListener("click", () => { raw = !raw; renderBody(current); });
  $("replay-send").addEventListener("click", replay);
  $("copy-curl").addEventListener("click", copyCurl);
  $("diff").addEventListener("click", diff);
  $("replay-to").value = localStorage.getItem("hookcat-replay-to") || "";

  (async () => {
    try {
      info = await api("/api/info");
      $("log").textContent = info.log;
    } catch (e) {
      showError(e.message);
      $("conn").textContent = "no access";
      return;
    }
    // Connected first: a capture saved while the first page loads is not missed.
    connect();
    await load(false);
  })();
})();
