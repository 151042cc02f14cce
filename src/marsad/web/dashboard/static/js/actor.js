/* Actor page: profile (/api/actors/{kb_id}), monthly timeline, counterpart network (edges green for
 * cooperation, red for conflict by Goldstein sum), counterparts' monthly balance, and its events.
 * A bare code (RUS) is looked up as country:RUS; events are filtered by the id as given either way. */
"use strict";

const COOP = "#1b8a3a";
const CONFLICT = "#c62828";
const NEUTRAL = "#9aa3af";

M.start(async () => {
  const id = (M.params().get("id") || "").trim();
  if (!id) throw new Error("no actor id · لا يوجد معرف فاعل");
  const kbId = /^[A-Za-z]{3}$/.test(id) ? `country:${id.toUpperCase()}` : id;
  const [actor, events] = await Promise.all([
    M.api(`/api/actors/${encodeURIComponent(kbId)}`).catch(() => null),
    M.api("/api/events", { actor: id, limit: 100 }),
  ]);
  const page = M.pageOf(events);
  profile(id, actor, page.total);
  if (actor) {
    timeline(actor.timeline || []);
    network(actor);
    M.fill("counterparts", counterpartsTable(actor.counterparts || []));
  } else {
    M.fill("chart-timeline", M.empty("لا ملف لهذا الفاعل · no profile for this actor"));
    M.fill("chart-network", M.empty());
    M.fill("counterparts", M.empty());
  }
  M.fill("actor-events", [
    M.el("p", { class: "hint" }, `${page.items.length} / ${page.total} · `, M.link(`/events?actor=${encodeURIComponent(id)}`, "كل الأحداث · all events")),
    M.eventsTable(page.items)]);
}, "actor-profile");

function profile(id, actor, total) {
  const name = (actor && actor.name) || id;
  M.setTitle("actor-title", name, actor ? actor.kb_id : id);
  if (!actor) {
    M.fill("actor-profile", M.facts([[M.label("المعرف", "Id"), M.code(id)], [M.label("الأحداث", "Events"), String(total)]]));
    return;
  }
  M.fill("actor-profile", M.facts([
    [M.label("الاسم", "Name"), actor.name],
    [M.label("الأسماء العربية", "Arabic names"), M.list((actor.arabic_names || []).map((n) => (typeof n === "string" ? n : n.text)))],
    [M.label("الرمز", "Code"), M.code(`${actor.code || ""} ${actor.sector || ""}`)],
    [M.label("النوع", "Kind"), actor.kind],
    [M.label("المعرف", "KB id"), M.code(actor.kb_id)],
    [M.label("الأحداث", "Events"), [`${actor.events_as_actor ?? 0} فاعلًا، ${actor.events_as_recipient ?? 0} متلقيًا `,
      M.el("span", { class: "en" }, `(${actor.events_as_actor ?? 0} as actor, ${actor.events_as_recipient ?? 0} as recipient)`)]],
  ]));
}

function timeline(rows) {
  M.plot("chart-timeline", [
    { type: "bar", name: "events · أحداث", x: rows.map((r) => r.month), y: rows.map((r) => r.events), marker: { color: "#0b5cad" } },
    { type: "scatter", mode: "lines+markers", name: "Goldstein Σ", x: rows.map((r) => r.month), y: rows.map((r) => r.goldstein),
      yaxis: "y2", line: { color: "#ef8a3c" } },
  ], { xaxis: { type: "category", categoryorder: "category ascending" }, yaxis: { title: { text: "events" } },
    yaxis2: { title: { text: "Goldstein" }, overlaying: "y", side: "right", zeroline: true } });
}

/** A star graph: the actor at the centre, counterparts on a circle; one line shape per edge. */
function network(actor) {
  const others = actor.counterparts || [];
  if (!others.length) {
    M.fill("chart-network", M.empty("لا أطراف مقابلة · no counterparts"));
    return;
  }
  const maxEvents = Math.max(...others.map((c) => c.events));
  const nodes = others.map((c, i) => {
    const angle = (2 * Math.PI * i) / others.length + Math.PI / 2;
    return { ...c, x: Math.cos(angle), y: Math.sin(angle) };
  });
  const color = (g) => (g > 0 ? COOP : g < 0 ? CONFLICT : NEUTRAL);
  const shapes = nodes.map((n) => ({ type: "line", x0: 0, y0: 0, x1: n.x, y1: n.y, layer: "below",
    line: { color: color(n.goldstein), width: 1.5 + (5 * n.events) / maxEvents } }));
  const label = (n) => n.name || n.kb_id;
  M.plot("chart-network", [
    { type: "scatter", mode: "markers+text", x: [0], y: [0], text: [actor.name || actor.kb_id], textposition: "bottom center",
      marker: { size: 26, color: "#14213d" }, hoverinfo: "text", showlegend: false },
    { type: "scatter", mode: "markers+text", x: nodes.map((n) => n.x), y: nodes.map((n) => n.y),
      text: nodes.map(label), textposition: nodes.map((n) => (n.y >= 0 ? "top center" : "bottom center")),
      customdata: nodes.map((n) => n.kb_id),
      hovertext: nodes.map((n) => `${label(n)}<br>${n.events} events · Goldstein Σ ${n.goldstein.toFixed(1)}`),
      hoverinfo: "text", showlegend: false,
      marker: { size: nodes.map((n) => 10 + (14 * n.events) / maxEvents), color: nodes.map((n) => color(n.goldstein)),
        line: { color: "#fff", width: 1 } } },
  ], { shapes, margin: { t: 30, r: 30, b: 30, l: 30 }, hovermode: "closest",
    xaxis: { visible: false, range: [-1.5, 1.5] }, yaxis: { visible: false, range: [-1.35, 1.35], scaleanchor: "x" } },
  (ev) => {
    const point = ev.points && ev.points[0];
    if (point && point.customdata) window.location.assign(M.actorHref(point.customdata));
  });
}

function counterpartsTable(rows) {
  return M.table([
    { label: M.label("الطرف", "Counterpart"), cell: (c) => M.link(M.actorHref(c.kb_id), c.name || c.kb_id) },
    { label: M.label("الرمز", "Code"), cell: (c) => M.code(c.code || "—") },
    { label: M.label("الأحداث", "Events"), class: "num", cell: (c) => String(c.events) },
    { label: M.label("تعاون", "Cooperation"), class: "num", cell: (c) => M.goldstein(c.cooperation) },
    { label: M.label("صراع", "Conflict"), class: "num", cell: (c) => M.goldstein(c.conflict) },
    { label: M.label("الرصيد", "Balance"), class: "num", cell: (c) => M.goldstein(c.goldstein) },
    { label: M.label("حسب الشهر", "Per month"), cell: (c) => (c.months || []).map((m, i) => [i ? " · " : "",
      M.el("span", { class: "ltr" }, m.month || "?"), " ", M.goldstein(m.goldstein)]) },
  ], rows);
}
