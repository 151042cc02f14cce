/* Event page: facts, participants, reporting outlets, and every reporting article with this event's
 * attribution ("according to") and its evidence marked in its text (article text comes from /api/articles/{id}; rendered as text nodes). */
"use strict";

M.start(async () => {
  const id = M.params().get("id");
  if (!id) throw new Error("no event id · لا يوجد معرف حدث");
  const ev = await M.api(`/api/events/${encodeURIComponent(id)}`);
  M.setTitle("event-title", `حدث ${ev.type || ""}`, `Event ${ev.id}`);
  M.fill("event-facts", M.facts([
    [M.label("النوع", "Type"), [ev.type || "?", ev.mode ? ` / ${ev.mode}` : "", " ", M.code(ev.cameo ? `CAMEO ${ev.cameo}` : "")]],
    [M.label("الفئة", "Quad class"), M.quadBadge(ev.quad)],
    ["Goldstein", M.goldstein(ev.goldstein)],
    [M.label("التاريخ", "Date"), M.el("span", { class: "ltr" }, ev.date || "—", ev.historical ? " (historical)" : "")],
    [M.label("السياق", "Context"), M.list(ev.context)],
    [M.label("المكان", "Location"), ev.location_name ? [ev.location_name, " ", M.code(ev.location_country || "")] : null],
    [M.label("الفاعل", "Actor"), M.parties(ev.actor_codes, ev.actor_names)],
    [M.label("المتلقي", "Recipient"), M.parties(ev.recipient_codes, ev.recipient_names)],
    [M.label("التغطية", "Coverage"), [`${ev.num_articles ?? 0} مقال، ${ev.num_sources ?? 0} مصدر، ${ev.num_mentions ?? 0} ذكر `,
      M.el("span", { class: "en" }, `(${ev.num_articles ?? 0} articles, ${ev.num_sources ?? 0} sources, ${ev.num_mentions ?? 0} mentions)`)]],
    [M.label("الثقة", "Confidence"), ev.confidence === null || ev.confidence === undefined ? null : Number(ev.confidence).toFixed(2)],
    [M.label("أول رصد", "First seen"), M.el("span", { class: "ltr" }, ev.first_seen || "—")],
  ]));
  M.fill("participants", participants(ev.participants || []));
  const outlets = ev.sources && ev.sources.length ? ev.sources : ev.outlets || [];
  M.fill("sources", outlets.length ? M.el("ul", { class: "plain" }, outlets.map((o) =>
    M.el("li", null, M.link(`/events?outlet=${encodeURIComponent(o)}`, o)))) : M.empty());
  await articles(ev);
}, "event-facts");

function participants(rows) {
  return M.table([
    { label: M.label("الدور", "Role"), cell: (r) => r.role === "actor" ? "فاعل · actor" : "متلقٍ · recipient" },
    { label: M.label("الاسم", "Name"), cell: (r) => r.kb_id ? M.link(M.actorHref(r.kb_id), r.name || r.kb_id) : r.name || "?" },
    { label: M.label("الرمز", "Code"), cell: (r) => r.code ? M.link(M.actorHref(r.code), M.code(r.code + (r.sector || ""))) : "—" },
    { label: M.label("المعرف", "KB id"), cell: (r) => M.code(r.kb_id || "—") },
  ], rows);
}

async function articles(ev) {
  const reports = ev.articles || [];
  const seen = new Set();
  const blocks = [];
  for (const report of reports) {
    if (seen.has(report.id)) continue;
    seen.add(report.id);
    blocks.push(await articleBlock(ev, report));
  }
  M.fill("articles", blocks.length ? blocks : M.empty());
}

async function articleBlock(ev, report) {
  const art = await M.api(`/api/articles/${encodeURIComponent(report.id)}`);
  const mine = (art.evidence || []).filter((s) => s.event_id === ev.id);
  const spans = (field) => [
    ...mine.filter((s) => s.field === field).map((s) => ({ start: s.article_start, end: s.article_end, kind: "evidence" })),
    ...(art.mentions || []).filter((s) => s.field === field).map((s) => ({
      start: s.article_start, end: s.article_end, kind: "mention", title: [s.name, s.code].filter(Boolean).join(" · ") })),
  ];
  const unplaced = mine.filter((s) => !s.field);
  return M.el("article", { class: "report" },
    M.el("h3", null, M.link(M.articleHref(art.id), art.title ? M.highlight(art.title, spans("title")) : art.id)),
    M.el("p", { class: "hint" }, [art.outlet || art.source || "", " · ", M.el("span", { class: "ltr" }, art.published || ""),
      art.url ? [" · ", M.el("a", { href: art.url, rel: "noopener noreferrer nofollow" }, "URL")] : null]),
    report.attribution ? M.el("p", { class: "attribution" }, [M.label("حسب", "According to"), ": ", report.attribution]) : null,
    M.el("div", { class: "article-text" }, M.highlight(art.text || "", spans("text"))),
    unplaced.length ? M.el("p", null, "دليل خارج النص · evidence not located: ", unplaced.map((s) => M.el("mark", null, s.text))) : null);
}
