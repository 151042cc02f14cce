/* Map: event locations on a plain longitude/latitude plane with place and country labels. No basemap:
 * plotly's geo traces fetch topojson from a CDN, and the dashboard makes no request outside the app. */
"use strict";

const MAP_FILTERS = ["country", "type", "date_from", "date_to", "actor", "quad"];

M.start(async () => {
  const p = M.params();
  const form = document.querySelector("form.filters");
  const query = {};
  for (const name of MAP_FILTERS) {
    const v = p.get(name);
    if (v) { query[name] = v; if (form.elements[name]) form.elements[name].value = v; }
  }
  const data = await M.api("/api/dashboard/locations", query);
  const places = data.items || [];
  if (!places.length) {
    M.fill("chart-map", M.empty("لا مواقع · no located events"));
    M.fill("locations", M.empty());
    return;
  }
  const maxN = Math.max(...places.map((x) => x.events));
  const color = (g) => (g > 0 ? "#1b8a3a" : g < 0 ? "#c62828" : "#6b7686");
  M.plot("chart-map", [{
    type: "scatter", mode: "markers+text", x: places.map((x) => x.lon), y: places.map((x) => x.lat),
    text: places.map((x) => `${x.name || "?"} (${x.country || "?"})`), textposition: "top center",
    customdata: places.map((x) => x.name || ""),
    hovertext: places.map((x) => `${x.name || "?"} (${x.country || "?"}): ${x.events} events`), hoverinfo: "text",
    marker: { size: places.map((x) => 10 + (24 * x.events) / maxN), color: places.map((x) => color(x.goldstein)), opacity: 0.75,
      line: { color: "#fff", width: 1 } },
  }], { hovermode: "closest",
    xaxis: { title: { text: "longitude" }, range: extent(places.map((x) => x.lon), -20, 65), zeroline: false, gridcolor: "#e5e9f0", dtick: 10 },
    yaxis: { title: { text: "latitude" }, range: extent(places.map((x) => x.lat), 0, 45), zeroline: false, gridcolor: "#e5e9f0", dtick: 10, scaleanchor: "x" } },
  (ev) => {
    const pt = ev.points && ev.points[0];
    if (pt && pt.customdata) window.location.assign(`/events?q=${encodeURIComponent(pt.customdata)}`);
  });
  M.fill("locations", M.table([
    { label: M.label("المكان", "Place"), cell: (x) => M.link(`/events?q=${encodeURIComponent(x.name || "")}`, x.name || "?") },
    { label: M.label("الدولة", "Country"), cell: (x) => (x.country ? M.link(`/events?country=${encodeURIComponent(x.country)}`, M.code(x.country)) : "—") },
    { label: M.label("الإحداثيات", "Lat, lon"), class: "num", cell: (x) => M.el("span", { class: "ltr" }, `${Number(x.lat).toFixed(2)}, ${Number(x.lon).toFixed(2)}`) },
    { label: M.label("الأحداث", "Events"), class: "num", cell: (x) => String(x.events) },
    { label: M.label("متوسط غولدشتاين", "Mean Goldstein"), class: "num", cell: (x) => M.goldstein(x.goldstein) },
  ], places));
}, "locations");

/** The axis range: the Middle East and North Africa by default, widened to every point with a margin. */
function extent(values, lo, hi) {
  return [Math.min(lo, ...values) - 5, Math.max(hi, ...values) + 5];
}
