/* Stories list: newest first, paged. */
"use strict";

M.start(async () => {
  const p = M.params();
  const offset = Math.max(0, parseInt(p.get("offset") || "0", 10) || 0);
  const data = M.pageOf(await M.api("/api/stories", { q: p.get("q"), limit: 50, offset }));
  M.fill("stories-table", M.table([
    { label: M.label("العنوان", "Title"), cell: (s) => M.link(M.storyHref(s.id), s.title || s.id) },
    { label: M.label("أول رصد", "First seen"), class: "num", cell: (s) => M.el("span", { class: "ltr" }, s.first_seen || "—") },
    { label: M.label("المقالات", "Articles"), class: "num", cell: (s) => String(s.num_articles ?? "") },
  ], data.items));
  const links = [];
  if (data.offset > 0) links.push(M.link(`/stories?offset=${Math.max(0, data.offset - data.limit)}`, "→ السابق · previous"));
  if (data.offset + data.items.length < data.total) links.push(M.link(`/stories?offset=${data.offset + data.limit}`, "التالي · next ←"));
  M.fill("pager", links);
}, "stories-table");
