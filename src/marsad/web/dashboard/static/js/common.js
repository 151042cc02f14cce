/* marsad dashboard helpers shared by every page.
 *
 * Rule of this file: data from the API (article text, titles, names, outlets) is untrusted. It reaches
 * the DOM only as text nodes (document.createTextNode / textContent), never through innerHTML, and links
 * are built from ids with encodeURIComponent. The page scripts use only these helpers to build markup.
 */
"use strict";

const M = (() => {
  const QUADS = {
    1: { ar: "تعاون لفظي", en: "Verbal cooperation", color: "#66bb6a" },
    2: { ar: "تعاون مادي", en: "Material cooperation", color: "#1b8a3a" },
    3: { ar: "صراع لفظي", en: "Verbal conflict", color: "#ef8a3c" },
    4: { ar: "صراع مادي", en: "Material conflict", color: "#c62828" },
  };

  /** Build an element; children may be Nodes, strings (become text nodes), arrays, null/undefined. */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "dataset") Object.assign(node.dataset, value);
      else if (key === "href") node.setAttribute("href", safeHref(value));
      else node.setAttribute(key, String(value));
    }
    append(node, children);
    return node;
  }

  function append(node, children) {
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      if (Array.isArray(child)) append(node, child);
      else if (child instanceof Node) node.appendChild(child);
      else node.appendChild(document.createTextNode(String(child)));
    }
    return node;
  }

  /** Only same-origin paths or http(s) URLs become links: no javascript:, data:, ... from the data. */
  function safeHref(value) {
    const s = String(value);
    if (s.startsWith("/") && !s.startsWith("//")) return s;
    try {
      const url = new URL(s);
      if (url.protocol === "http:" || url.protocol === "https:") return url.href;
    } catch (e) { /* not a URL */ }
    return "#";
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
    return node;
  }

  function fill(id, ...children) {
    const node = document.getElementById(id);
    if (!node) return null;
    clear(node);
    return append(node, children);
  }

  function params() {
    return new URLSearchParams(window.location.search);
  }

  /** GET a JSON document from the app's own API. */
  async function api(path, query) {
    const qs = query ? new URLSearchParams(Object.entries(query).filter(([, v]) => v !== null && v !== undefined && v !== "")) : null;
    const url = path + (qs && [...qs].length ? "?" + qs.toString() : "");
    const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
    if (!response.ok) {
      let detail = response.statusText;
      try { detail = (await response.json()).detail || detail; } catch (e) { /* not JSON */ }
      throw new Error(`${response.status} ${typeof detail === "string" ? detail : JSON.stringify(detail)}`);
    }
    return response.json();
  }

  /** An error notice in a container (replacing its content), or atop <main> when there is none. */
  function showError(id, error) {
    const notice = el("p", { class: "error", role: "alert" }, "تعذر التحميل · could not load: ",
      String((error && error.message) || error));
    const node = id && document.getElementById(id);
    if (node && id !== "main") fill(id, notice);
    else document.getElementById("main").prepend(notice);
  }

  function empty(text) {
    return el("p", { class: "empty" }, text || "لا شيء · nothing");
  }

  // -- links ---------------------------------------------------------------------------------------------
  const enc = encodeURIComponent;
  const eventHref = (id) => `/event?id=${enc(id)}`;
  const actorHref = (id) => `/actor?id=${enc(id)}`;
  const dyadHref = (a, b) => `/dyad?a=${enc(a)}&b=${enc(b)}`;
  const storyHref = (id) => `/story?id=${enc(id)}`;
  const articleHref = (id) => `/article?id=${enc(id)}`;
  const link = (href, ...text) => el("a", { href }, ...text);
  const code = (text) => el("span", { class: "code" }, text);

  // -- values --------------------------------------------------------------------------------------------
  function quadBadge(quad) {
    const q = QUADS[quad];
    if (!q) return el("span", { class: "empty" }, "—");
    return el("span", { class: `badge q${quad}`, title: q.en }, `${quad} ${q.ar}`);
  }

  function goldstein(value) {
    if (value === null || value === undefined) return el("span", { class: "empty" }, "—");
    const v = Number(value);
    return el("span", { class: `gs ${v > 0 ? "pos" : v < 0 ? "neg" : ""}` }, v.toFixed(1));
  }

  function list(values) {
    return (values || []).filter((v) => v !== null && v !== undefined && v !== "").join("، ");
  }

  /** Parties of an event row as links to actor pages (codes and names from the events table). */
  function parties(codes, names) {
    const out = [];
    (codes || []).forEach((c, i) => {
      if (i) out.push("، ");
      const name = (names || [])[i];
      out.push(el("bdi", null, c ? link(actorHref(c), name || c, " ", code(`(${c})`)) : name || "?"));
    });
    return out.length ? out : [el("span", { class: "empty" }, "—")];
  }

  /** A table; columns are {label, cell(row) -> Node|string|array, class?}. */
  function table(columns, rows, attrs) {
    if (!rows || !rows.length) return empty();
    const head = el("tr", null, columns.map((c) => el("th", { scope: "col" }, c.label)));
    const body = rows.map((row) => el("tr", null, columns.map((c) => el("td", { class: c.class }, c.cell(row)))));
    return el("table", attrs || null, el("thead", null, head), el("tbody", null, body));
  }

  function facts(pairs) {
    return el("dl", { class: "facts" }, pairs.filter(([, v]) => v !== null && v !== undefined && v !== "")
      .map(([k, v]) => [el("dt", null, k), el("dd", null, v)]));
  }

  const label = (ar, en) => [ar, " ", el("span", { class: "en" }, en)];

  /** The events table used on several pages. */
  function eventsTable(rows) {
    return table([
      { label: label("التاريخ", "Date"), class: "num", cell: (r) => el("span", { class: "ltr" }, r.date || "—") },
      { label: label("النوع", "Type"), cell: (r) => link(eventHref(r.id), r.type || "?") },
      { label: label("الفئة", "Quad"), cell: (r) => quadBadge(r.quad) },
      { label: "Goldstein", class: "num", cell: (r) => goldstein(r.goldstein) },
      { label: label("الفاعل", "Actor"), cell: (r) => parties(r.actor_codes, r.actor_names) },
      { label: label("المتلقي", "Recipient"), cell: (r) => parties(r.recipient_codes, r.recipient_names) },
      { label: label("الدليل", "Evidence"), class: "evidence", cell: (r) => link(eventHref(r.id), evidenceText(r)) },
      { label: label("المصادر", "Sources"), class: "num", cell: (r) => String(r.num_sources ?? "") },
    ], rows, { class: "events" });
  }

  function evidenceText(row) {
    const ev = row.evidence;
    if (typeof ev === "string") return ev;
    if (Array.isArray(ev) && ev.length) return typeof ev[0] === "string" ? ev[0] : ev[0].text || "";
    return row.id;
  }

  /** The paged list of the API: {items,total,limit,offset}, or a bare array. */
  function pageOf(data) {
    if (Array.isArray(data)) return { items: data, total: data.length, limit: data.length, offset: 0 };
    const items = data.items || data.events || data.results || [];
    return { items, total: data.total ?? items.length, limit: data.limit ?? items.length, offset: data.offset ?? 0 };
  }

  /** Text with spans [{start,end,kind}] marked: evidence as <mark>, mentions underlined. Text nodes only. */
  function highlight(text, spans) {
    const frag = document.createDocumentFragment();
    const n = text.length;
    const valid = (spans || []).filter((s) => Number.isInteger(s.start) && Number.isInteger(s.end) && s.start < s.end && s.start >= 0 && s.end <= n);
    const cuts = new Set([0, n]);
    for (const s of valid) { cuts.add(s.start); cuts.add(s.end); }
    const points = [...cuts].sort((a, b) => a - b);
    for (let i = 0; i + 1 < points.length; i++) {
      const [a, b] = [points[i], points[i + 1]];
      const covering = valid.filter((s) => s.start <= a && s.end >= b);
      let node = document.createTextNode(text.slice(a, b));
      const mention = covering.find((s) => s.kind === "mention");
      if (mention) node = el("span", { class: "mention", title: mention.title || null }, node);
      const evidence = covering.find((s) => s.kind !== "mention");
      if (evidence) node = el("mark", { class: "evidence", title: evidence.title || null }, node);
      frag.appendChild(node);
    }
    return frag;
  }

  // -- charts --------------------------------------------------------------------------------------------
  function plot(id, data, layout, onClick) {
    const node = document.getElementById(id);
    if (!node) return;
    if (typeof window.Plotly === "undefined") {
      fill(id, el("p", { class: "notice" }, "الرسوم غير متاحة (plotly غير مثبت) · charts unavailable: pip install 'marsad[web]'"));
      return;
    }
    const base = {
      margin: { t: 20, r: 20, b: 80, l: 55 },
      font: { family: "Noto Naskh Arabic, Amiri, Arial, sans-serif", size: 13 },
      paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "#fbfcfe",
      legend: { orientation: "h", x: 0, y: 1.02, yanchor: "bottom" },
    };
    const merged = Object.assign(base, layout || {});
    merged.xaxis = Object.assign({ automargin: true, tickangle: -45 }, (layout || {}).xaxis);
    window.Plotly.newPlot(node, data, merged, { displaylogo: false, responsive: true });
    if (onClick) node.on("plotly_click", onClick);
  }

  function setTitle(id, ar, en) {
    fill(id, ar, " ", el("span", { class: "en" }, en));
    document.title = `${ar} · ${en} — marsad`;
  }

  /** Run a page's main function once the DOM is ready; errors land in the given container. */
  function start(main, errorTarget) {
    const run = () => Promise.resolve().then(main).catch((e) => showError(errorTarget, e));
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run);
    else run();
  }

  return {
    QUADS, el, append, clear, fill, params, api, showError, empty, link, code, label, eventHref, actorHref,
    dyadHref, storyHref, articleHref, quadBadge, goldstein, list, parties, table, facts, eventsTable,
    evidenceText, pageOf, highlight, plot, setTitle, start,
  };
})();
