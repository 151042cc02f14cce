/* Actors search: KB actors and linked mentions matching a name (Arabic or English), code or KB id. */
"use strict";

M.start(async () => {
  const q = M.params().get("q") || "";
  const form = document.querySelector("form.filters");
  if (form) form.elements.q.value = q;
  const data = M.pageOf(await M.api("/api/actors", { q, limit: 100 }));
  M.fill("actors-table", M.table([
    { label: M.label("الاسم", "Name"), cell: (a) => M.link(M.actorHref(a.kb_id), a.name || a.kb_id) },
    { label: M.label("الأسماء العربية", "Arabic names"), cell: (a) => M.list(a.arabic_names) },
    { label: M.label("الرمز", "Code"), cell: (a) => M.code(`${a.code || ""}${a.sector || ""}`) },
    { label: M.label("المعرف", "KB id"), cell: (a) => M.code(a.kb_id) },
    { label: M.label("الأحداث", "Events"), class: "num", cell: (a) => String(a.events ?? 0) },
    { label: M.label("الإشارات", "Mentions"), class: "num", cell: (a) => String(a.mentions ?? 0) },
  ], data.items.filter((a) => a.events || a.mentions)));
}, "actors-table");
