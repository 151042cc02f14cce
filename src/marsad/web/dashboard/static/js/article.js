/* Article page: the text with actor mentions and evidence spans, and the events it reports. */
"use strict";

M.start(async () => {
  const id = M.params().get("id");
  if (!id) throw new Error("no article id · لا يوجد معرف مقال");
  const art = await M.api(`/api/articles/${encodeURIComponent(id)}`);
  const spans = (field) => [
    ...(art.evidence || []).filter((s) => s.field === field).map((s) => ({ start: s.article_start, end: s.article_end, kind: "evidence", title: s.event_id })),
    ...(art.mentions || []).filter((s) => s.field === field).map((s) => ({
      start: s.article_start, end: s.article_end, kind: "mention", title: [s.name, s.code, s.kb_id].filter(Boolean).join(" · ") })),
  ];
  const title = document.getElementById("article-title");
  M.clear(title);
  M.append(title, [art.title ? M.highlight(art.title, spans("title")) : art.id]);
  document.title = `${art.title || art.id} — marsad`;
  M.fill("article-facts", M.facts([
    [M.label("المنفذ", "Outlet"), art.outlet],
    [M.label("المصدر", "Source"), art.source],
    [M.label("النشر", "Published"), art.published ? M.el("span", { class: "ltr" }, art.published) : null],
    ["URL", art.url ? M.el("a", { href: art.url, rel: "noopener noreferrer nofollow" }, art.url) : null],
    [M.label("القصة", "Story"), art.story_id ? M.link(M.storyHref(art.story_id), art.story_id) : null],
    [M.label("المعرف", "Id"), M.code(art.id)],
  ]));
  M.fill("article-text", M.highlight(art.text || "", spans("text")));
  const ids = art.events || [];
  M.fill("article-events", ids.length ? M.el("ul", { class: "plain" }, ids.map((e) => M.el("li", null, M.link(M.eventHref(e), M.code(e))))) : M.empty());
}, "article-text");
