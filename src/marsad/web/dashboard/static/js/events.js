/* Events page: the filter form mirrors the URL query; the table is one page of /api/events. */
"use strict";

const FILTERS = ["actor", "country", "dyad", "type", "mode", "quad", "context", "date_from", "date_to", "outlet", "q"];
const PAGE_SIZE = 50;

M.start(async () => {
  const p = M.params();
  const form = document.getElementById("filters");
  const query = {};
  for (const name of FILTERS) {
    const value = p.get(name);
    if (value) {
      query[name] = value;
      if (form.elements[name]) form.elements[name].value = value;
    }
  }
  const offset = Math.max(0, parseInt(p.get("offset") || "0", 10) || 0);
  const data = M.pageOf(await M.api("/api/events", { ...query, limit: PAGE_SIZE, offset }));
  const shown = data.items.length ? `${data.offset + 1}–${data.offset + data.items.length}` : "0";
  const range = () => M.el("bdi", { dir: "ltr" }, shown);
  M.fill("summary", range(), ` من ${data.total} حدثًا · `, M.el("span", { class: "en" }, range(), ` of ${data.total} events`));
  M.fill("events-table", M.eventsTable(data.items));
  pager(p, data);
}, "events-table");

function pager(p, data) {
  const links = [];
  const at = (offset) => {
    const q = new URLSearchParams(p);
    q.set("offset", String(Math.max(0, offset)));
    return "/events?" + q.toString();
  };
  if (data.offset > 0) links.push(M.link(at(data.offset - data.limit), "→ السابق · previous"));
  if (data.offset + data.items.length < data.total) links.push(M.link(at(data.offset + data.limit), "التالي · next ←"));
  M.fill("pager", links);
}
