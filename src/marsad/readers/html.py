"""HTML article pages: main text and metadata by trafilatura, plus what it misses on Arabic pages.

* Main text, title, author, canonical URL and site name come from ``trafilatura.bare_extraction``.
* Publication date: htmldate (inside trafilatura) cannot read Arabic month names ("28 آب/اغسطس 2013"),
  so on pages without machine-readable date metadata it falls back to guesses such as the URL's year
  ("2013-01-01"), which look precise and are wrong. So ``Document.published`` takes, in order: the
  trafilatura date when the page has date metadata (``article:published_time``, ``<time datetime>``,
  ...); else the raw visible date line (parsed later by ``marsad.text.dates``); else trafilatura's guess.
  ``metadata["published_source"]`` says which, and ``metadata["htmldate"]`` keeps the guess.
* "Read also" boxes (اقرأ أيضا, شاهد أيضا, أخبار ذات صلة ...) are removed from the body before
  extraction and their link texts kept as ``Document.related`` headlines, so the body holds one story.
* Truncated or broken markup never raises: lxml repairs what it can; when trafilatura finds nothing, the
  visible text of the page is the best-effort body; an empty page is a counted error.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from lxml import html as lxml_html

from marsad.readers.base import Reader, register
from marsad.readers.text import newlines
from marsad.records import Document

_ALSO = r"(?:[اأ]يض(?:ًا|اً|ا)|المزيد)"
_READ_ALSO_CORE = (rf"(?:(?:[اأإ]قر[أا]|شاهد|طالع|تابع)\s+{_ALSO}"
                   r"|(?:مواضيع|موضوعات|أخبار|اخبار|مقالات|روابط|قصص)\s+(?:ذات\s+صلة|متعلقة|مرتبطة))")
READ_ALSO = re.compile(rf"^[\s«\"'(\[•*-]*{_READ_ALSO_CORE}\s*[:：\-–—]?\s*")
# Unanchored, without the optional lead-in: a leading ``[\s...]*`` would rescan every whitespace run
# from each of its positions, quadratic on pages with thousands of blank lines.
_READ_ALSO_ANYWHERE = re.compile(_READ_ALSO_CORE)
_MONTHS = (
    "يناير|فبراير|مارس|أبريل|ابريل|إبريل|مايو|يونيو|يونيه|يوليو|يوليه|أغسطس|اغسطس|سبتمبر|أكتوبر|اكتوبر"
    "|نوفمبر|ديسمبر|كانون الثاني|كانون الأول|كانون الاول|شباط|آذار|اذار|نيسان|أيار|ايار|حزيران|تموز|آب"
    "|اب|أيلول|ايلول|تشرين الأول|تشرين الاول|تشرين الثاني"
)
VISIBLE_DATE = re.compile(
    rf"[0-9٠-٩]{{1,2}}\s*[،,]?\s*(?:{_MONTHS})(?:\s*/\s*(?:{_MONTHS}))?\s*[،,]?\s*[0-9٠-٩]{{4}}"
)
_DATE_META = re.compile(
    r"published|datePublished|pubdate|publishdate|publish_date|dc\.date|DC\.date|created|sailthru\.date",
    re.IGNORECASE,
)
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_MARKUP = re.compile(
    r"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|div|p|title|!--)\b", re.I | re.S
)
_BLOCKS = ("p", "li", "div", "section", "aside", "span", "strong", "b", "h2", "h3", "h4", "h5", "h6", "ul")
# A box may carry this much non-link text besides its heading (bullets, separators, a short label).
_MAX_BOX_PROSE = 60
_MAX_INLINE_CHARS = 300
_MAX_DATE_LINE = 120


@dataclass(slots=True)
class Extraction:
    """What the HTML reader found in one page."""

    text: str
    title: str | None = None
    author: str | None = None
    url: str | None = None
    site_name: str | None = None
    published: str | None = None
    related: list[str] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)


def declared_charset(data: bytes) -> str | None:
    """The ``<meta charset>`` a page declares in its first 4 KB, if any."""
    match = _CHARSET.search(data[:4096])
    return match.group(1).decode("ascii") if match else None


def _clean(s: str | None) -> str:
    return " ".join((s or "").split())


def _link_texts(el: Any) -> list[str]:
    return [t for a in el.iter("a") if (t := _clean(a.text_content()))]


def _prose(el: Any) -> str:
    """Text of ``el`` outside its links, with any read-also heading removed."""
    text = _clean(el.text_content())
    for link in _link_texts(el):
        text = text.replace(link, " ", 1)
    return _clean(READ_ALSO.sub("", text))


def _drop(el: Any) -> None:
    if el.getparent() is not None:
        el.drop_tree()


def _take_box(el: Any) -> list[str] | None:
    """Headlines of the read-also box starting at ``el`` (which is then removed), or ``None``."""
    text = _clean(el.text_content())
    links = _link_texts(el)
    if links and len(_prose(el)) <= _MAX_BOX_PROSE:
        _drop(el)
        return links
    if not links and len(text) <= _MAX_INLINE_CHARS and el.tag != "div" and READ_ALSO.sub("", text):
        _drop(el)
        return [_clean(READ_ALSO.sub("", text))]
    if READ_ALSO.sub("", text).strip(" :") == "":
        return _take_heading(el)
    return None


def _take_heading(el: Any) -> list[str] | None:
    """A bare "read also" heading: its links are in the parent box or in the next sibling."""
    parent = el.getparent()
    if parent is not None and _link_texts(parent) and len(_prose(parent)) <= _MAX_BOX_PROSE:
        links = _link_texts(parent)
        _drop(parent)
        return links
    sibling = el.getnext()
    if sibling is not None and _link_texts(sibling) and len(_prose(sibling)) <= _MAX_BOX_PROSE:
        links = _link_texts(sibling)
        _drop(sibling)
        _drop(el)
        return links
    _drop(el)
    return []


def pop_related(tree: Any, max_boxes: int = 50) -> list[str]:
    """Remove read-also boxes from ``tree`` and return their headlines (outermost match first)."""
    if not _READ_ALSO_ANYWHERE.search(tree.text_content()):
        return []  # the common case, decided in one pass
    related: list[str] = []
    skipped: set[Any] = set()
    for _ in range(max_boxes):
        el = _next_candidate_excluding(tree, skipped)
        if el is None:
            break
        headlines = _take_box(el)
        if headlines is None:
            skipped.add(el)
        else:
            related.extend(h for h in headlines if h not in related)
    return related


def _next_candidate_excluding(tree: Any, skipped: set[Any]) -> Any:
    for el in tree.iter(*_BLOCKS):
        if el in skipped:
            continue
        text = el.text_content().lstrip()
        if text and READ_ALSO.match(text):
            return el
    return None


def _short_text(el: Any, limit: int) -> str | None:
    """The whitespace-cleaned text of ``el`` when it has at most ``limit`` characters, else ``None``.

    Stops reading as soon as the limit is passed, so scanning every element of a big page stays linear.
    """
    parts: list[str] = []
    size = 0
    for piece in el.itertext():
        size += len(piece)
        if size > 2 * limit:
            return None
        parts.append(piece)
    text = _clean("".join(parts))
    return text if len(text) <= limit else None


def visible_date(tree: Any) -> str | None:
    """The shortest element text holding an Arabic month-name date (the page's dateline), if any."""
    best: str | None = None
    for el in tree.iter("div", "span", "p", "time", "li", "td", "small", "em", "abbr", "font", "b"):
        text = _short_text(el, _MAX_DATE_LINE)
        if text is None:
            continue
        if (
            len(text) <= _MAX_DATE_LINE
            and VISIBLE_DATE.search(text)
            and (best is None or len(text) < len(best))
        ):
            best = text
    return best


def has_date_metadata(tree: Any) -> bool:
    """True when the page states its date in machine-readable markup that htmldate reads well."""
    for meta in tree.iter("meta"):
        key = " ".join(meta.get(a, "") for a in ("property", "name", "itemprop"))
        if _DATE_META.search(key) and meta.get("content"):
            return True
    return any(t.get("datetime") for t in tree.iter("time")) or bool(
        tree.xpath("//*[@itemprop='datePublished']")
    )


def split_related_lines(text: str) -> tuple[str, list[str]]:
    """Drop body lines that are read-also lines (left by extraction) and return them as headlines."""
    kept: list[str] = []
    related: list[str] = []
    for line in text.split("\n"):
        if READ_ALSO.match(line):
            rest = READ_ALSO.sub("", line).strip()
            related.extend([rest] if rest else [])
        else:
            kept.append(line)
    return "\n".join(kept).strip(), related


# Tags kept when a page nests too deeply for libxml2 (see _parse): what carries text structure and the
# metadata read later. Every other tag is dropped; block containers leave a line break behind.
_KEEP_TAGS = ("html|head|body|title|meta|link|base|script|style|noscript|template|time|p|h[1-6]|br|hr|"
              "blockquote|pre")
_BLOCK_TAGS = "div|section|article|main|aside|header|footer|nav|table|tbody|thead|tr|td|th|ul|ol|li|dl|dt|dd"
_OTHER_TAG = re.compile(rf"<(/?)(?!(?:{_KEEP_TAGS})\b)([A-Za-z][\w:-]*)\b[^>]*>")
_BLOCK = re.compile(rf"(?:{_BLOCK_TAGS})", re.IGNORECASE)


def _flatten(text: str) -> str:
    """``text`` without its layout tags, so nesting depth no longer matters."""
    return _OTHER_TAG.sub(lambda m: "\n" if _BLOCK.fullmatch(m.group(2)) else "", text)


def _parse(text: str) -> Any:
    """An lxml tree of ``text`` (XML declarations removed: lxml refuses them on ``str`` input).

    Why the depth check: libxml2 silently drops everything nested deeper than 256 elements (2,048 with
    ``huge_tree``), which loses the article of a page built from thousands of nested wrappers. When the
    parser reports that limit, the page is parsed again without its layout tags (``_flatten``).
    """
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    tree, too_deep = _lxml(text)
    if too_deep:
        tree, _ = _lxml(_flatten(text))
    return tree


def _lxml(markup: str) -> tuple[Any, bool]:
    """(tree or None when lxml cannot repair the markup at all, whether libxml2 hit its depth limit)."""
    parser = lxml_html.HTMLParser(huge_tree=True)  # one per call: lxml parsers are not thread-safe
    try:
        tree = lxml_html.document_fromstring(markup, parser=parser)
    except Exception:  # lxml raises ParserError on markup it cannot repair at all
        return None, False
    return tree, any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log)


def _trafilatura(tree: Any) -> dict[str, Any]:
    from trafilatura import bare_extraction  # heavy import, only when HTML is read

    result = bare_extraction(tree, with_metadata=True, include_comments=False)
    if result is None:
        return {}
    return result if isinstance(result, dict) else result.as_dict()


def choose_published(
    guess: str | None, dateline: str | None, has_meta: bool, metadata: dict[str, Any]
) -> str | None:
    """Pick ``Document.published`` (see the module docstring) and record the choice in ``metadata``."""
    metadata["htmldate"] = guess
    if dateline:
        metadata["dateline"] = dateline
    if guess and has_meta:
        metadata["published_source"] = "meta"
        return guess
    if dateline:
        metadata["published_source"] = "visible"
        return dateline
    metadata["published_source"] = "htmldate" if guess else None
    return guess


def best_effort_text(text: str) -> str:
    """Visible text of a page trafilatura could not extract from (scripts and styles removed)."""
    tree = _parse(text)
    if tree is None:
        return ""
    for el in list(tree.iter("script", "style", "noscript", "template")):
        _drop(el)
    lines = (_clean(line) for line in newlines(tree.text_content()).split("\n"))
    return "\n".join(line for line in lines if line)


def extract(text: str) -> Extraction | None:
    """Main text and metadata of an HTML page (``None`` when the page has no text at all)."""
    tree = _parse(text)
    if tree is None:
        return None
    related = pop_related(tree)
    # Date facts are read before trafilatura, which edits the tree in place.
    dateline, has_meta = visible_date(tree), has_date_metadata(tree)
    found = _trafilatura(tree)
    metadata: dict[str, Any] = {}
    published = choose_published(found.get("date"), dateline, has_meta, metadata)
    body = newlines(found.get("text") or "").strip() or best_effort_text(text)
    body, more = split_related_lines(body)
    if not body:
        return None
    return Extraction(
        text=body,
        title=found.get("title") or None,
        author=found.get("author") or None,
        url=found.get("url") or None,
        site_name=found.get("sitename") or None,
        published=published,
        related=related + [h for h in more if h not in related],
        metadata=metadata,
    )


@register(".html", ".htm", ".xhtml")
class HtmlReader(Reader):
    """Reads one HTML page per file; the id is the path (the canonical URL goes to ``Document.url``)."""

    format = "html"
    sniff_priority = 10

    @classmethod
    def sniff(cls, head: str) -> bool:
        return bool(_MARKUP.match(head)) or "<html" in head[:2048].lower()

    def read_stream(self, stream: BinaryIO, source: str) -> Iterator[Document]:
        data = self.read_all(stream, source)
        decoded = self.decode(data, source, declared_charset(data)) if data is not None else None
        if decoded is None:
            return
        found = extract(decoded.text)
        if found is None:
            self.errors.add("no_text", source, None, "no text found in the HTML page")
            return
        yield Document(
            id=source,
            text=found.text,
            provenance=self.provenance(source, found.text, decoded.encoding),
            format="html",
            title=found.title,
            published=found.published,
            url=found.url,
            author=found.author,
            site_name=found.site_name,
            related=found.related,
            metadata=found.metadata,
        )
