/* Overview: counts (/api/stats), events per month by quad class and by type (/api/dashboard/overview),
 * top dyads, top actors, latest stories (/api/stories). */
"use strict";

const TYPE_COLORS = ["#0b5cad", "#c62828", "#1b8a3a", "#ef8a3c", "#6a3d9a", "#00838f", "#8d6e63", "#d81b60",
  "#7cb342", "#5c6bc0", "#f9a825", "#546e7a", "#26a69a", "#ab47bc", "#ff7043", "#9e9d24"];

M.start(async () => {
  const [stats, overview, stories] = await Promise.all([
    M.api("/api/stats"), M.api("/api/dashboard/overview"), M.api("/api/stories", { limit: 8 })]);
  counts(stats);
  quadChart(overview.by_quad || []);
  typeChart(overview.by_type || []);
  M.fill("top-dyads", M.table([
    { label: M.label("الفاعل", "Actor"), cell: (d) => M.link(M.actorHref(d.actor), M.code(d.actor)) },
    { label: M.label("المتلقي", "Recipient"), cell: (d) => M.link(M.actorHref(d.recipient), M.code(d.recipient)) },
    { label: M.label("الأحداث", "Events"), class: "num", cell: (d) => M.link(M.dyadHref(d.actor, d.recipient), String(d.events)) },
  ], stats.top_dyads || []));
  M.fill("top-actors", M.table([
    { label: M.label("الفاعل", "Actor"), cell: (a) => M.link(M.actorHref(a.kb_id), a.name || a.kb_id) },
    { label: M.label("الرمز", "Code"), cell: (a) => M.code(a.code || "—") },
    { label: M.label("الأحداث", "Events"), class: "num", cell: (a) => M.link(`/events?actor=${encodeURIComponent(a.kb_id)}`, String(a.events)) },
  ], overview.top_actors || []));
  const latest = M.pageOf(stories).items;
  M.fill("latest-stories", latest.length ? M.el("ul", { class: "plain" }, latest.map((s) => M.el("li", null,
    M.link(M.storyHref(s.id), s.title || s.id), " ", M.el("span", { class: "en ltr" }, s.first_seen || "")))) : M.empty());
});

function counts(stats) {
  const t = stats.tables || {};
  const dates = stats.dates || {};
  const card = (n, ar, en) => M.el("div", { class: "card" }, M.el("span", { class: "n" }, n === undefined ? "—" : String(n)), ar, " ", M.el("span", { class: "en" }, en));
  M.fill("counts",
    card(t.events, "حدث", "events"), card(t.articles, "مقال", "articles"), card(t.documents, "وثيقة", "documents"),
    card(t.stories, "قصة", "stories"), card(t.mentions, "إشارة لفاعل", "actor mentions"),
    M.el("div", { class: "card" }, M.el("span", { class: "n ltr" }, `${dates.first || "—"} → ${dates.last || "—"}`), "المدى الزمني ", M.el("span", { class: "en" }, "date range")));
}

/** One stacked-bar trace per group value over months. */
function stacked(rows, key, names, colors) {
  const groups = [...new Set(rows.map((r) => r[key]))].sort();
  return groups.map((g, i) => {
    const mine = rows.filter((r) => r[key] === g);
    return { type: "bar", name: names(g), x: mine.map((r) => r.month), y: mine.map((r) => r.events),
      marker: { color: colors(g, i) }, hovertemplate: "%{x}: %{y}<extra>%{fullData.name}</extra>" };
  });
}

function quadChart(rows) {
  const traces = stacked(rows, "quad", (q) => (M.QUADS[q] ? `${q} ${M.QUADS[q].ar} · ${M.QUADS[q].en}` : "?"),
    (q) => (M.QUADS[q] ? M.QUADS[q].color : "#999"));
  M.plot("chart-quad", traces, { barmode: "stack", xaxis: { type: "category", categoryorder: "category ascending" }, yaxis: { title: { text: "events" } } });
}

function typeChart(rows) {
  const totals = {};
  for (const r of rows) totals[r.type] = (totals[r.type] || 0) + r.events;
  const order = Object.keys(totals).sort((a, b) => totals[b] - totals[a]);
  const traces = stacked(rows, "type", (t) => t, (t) => TYPE_COLORS[order.indexOf(t) % TYPE_COLORS.length]);
  traces.sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
  M.plot("chart-type", traces, { barmode: "stack", xaxis: { type: "category", categoryorder: "category ascending" }, yaxis: { title: { text: "events" } } });
}
