/* Story page: member articles (syndicated copies) and the events they report. */
"use strict";

M.start(async () => {
  const id = M.params().get("id");
  if (!id) throw new Error("no story id · لا يوجد معرف قصة");
  const story = await M.api(`/api/stories/${encodeURIComponent(id)}`);
  const title = document.getElementById("story-title");
  M.clear(title);
  M.append(title, [story.title || story.id]);
  M.fill("story-facts", M.facts([
    [M.label("أول رصد", "First seen"), M.el("span", { class: "ltr" }, story.first_seen || "—")],
    [M.label("المقالات", "Articles"), String(story.num_articles ?? "")],
    [M.label("المعرف", "Id"), M.code(story.id)],
  ]));
  M.fill("story-articles", M.table([
    { label: M.label("العنوان", "Title"), cell: (a) => M.link(M.articleHref(a.id), a.title || a.id) },
    { label: M.label("المنفذ", "Outlet"), cell: (a) => a.outlet || a.source || "—" },
    { label: M.label("النشر", "Published"), class: "num", cell: (a) => M.el("span", { class: "ltr" }, a.published || "—") },
  ], story.articles || []));
  M.fill("story-events", M.eventsTable(story.events || []));
}, "story-facts");
