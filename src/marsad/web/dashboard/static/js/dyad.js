/* Dyad page: Goldstein per week or month for A -> B (/api/dyads/{a}/{b}/timeline) and the events behind
 * each point (ids from the timeline, rows from /api/events?dyad=A,B). Clicking a point opens its list. */
"use strict";

M.start(async () => {
  const p = M.params();
  const a = (p.get("a") || "").trim();
  const b = (p.get("b") || "").trim();
  const by = p.get("period") === "week" ? "week" : "month";
  const form = document.querySelector("form.filters");
  form.elements.a.value = a;
  form.elements.b.value = b;
  form.elements.period.value = by;
  if (!a || !b) {
    M.fill("chart-dyad", M.empty("اختر فاعلين · choose two actors (e.g. TUN → USA)"));
    M.fill("dyad-points", M.empty());
    return;
  }
  M.setTitle("dyad-title", "ثنائية", `${a} → ${b}`);
  const enc = encodeURIComponent;
  const [line, events] = await Promise.all([
    M.api(`/api/dyads/${enc(a)}/${enc(b)}/timeline`, { by }),
    M.api("/api/events", { dyad: `${a},${b}`, limit: 500 }),
  ]);
  const byId = new Map(M.pageOf(events).items.map((e) => [e.id, e]));
  const points = line.points || [];
  M.plot("chart-dyad", [{
    type: "scatter", mode: "lines+markers", x: points.map((pt) => pt.period), y: points.map((pt) => pt.goldstein),
    customdata: points.map((pt) => pt.period), text: points.map((pt) => `${pt.events} events`),
    marker: { size: points.map((pt) => 8 + 2 * Math.min(pt.events, 10)), color: points.map((pt) => (pt.goldstein > 0 ? "#1b8a3a" : pt.goldstein < 0 ? "#c62828" : "#9aa3af")) },
    line: { color: "#6b7686" }, hovertemplate: "%{x}: Goldstein Σ %{y:.1f} (%{text})<extra></extra>",
  }], { xaxis: { type: "category", categoryorder: "category ascending" }, yaxis: { title: { text: "Goldstein Σ" }, zeroline: true, zerolinecolor: "#888" } },
  (ev) => {
    const pt = ev.points && ev.points[0];
    const node = pt && document.getElementById(`point-${pt.customdata}`);
    if (node) { node.open = true; node.scrollIntoView({ behavior: "smooth", block: "center" }); }
  });
  M.fill("dyad-points", points.length ? points.slice().reverse().map((pt) => M.el("details", { class: "point", id: `point-${pt.period}` },
    M.el("summary", null, M.el("span", { class: "ltr" }, pt.period), ` — ${pt.events} حدث · events, Goldstein Σ `, M.goldstein(pt.goldstein)),
    M.eventsTable(pt.event_ids.map((id) => byId.get(id) || { id, type: "?" })))) : M.empty());
  if (line.imprecise_dates) {
    document.getElementById("dyad-points").prepend(M.el("p", { class: "hint" },
      `${line.imprecise_dates} حدثًا بتاريخ غير دقيق لم تُرسم · events with too coarse a date are not plotted`));
  }
}, "dyad-points");
