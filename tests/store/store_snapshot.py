"""What a rerun after a fault must reproduce exactly, shared by the fault and resume tests."""

from __future__ import annotations

from typing import Any


def snapshot(store: Any) -> dict[str, object]:
    """Row counts (but ingest runs) and the ids and aggregates of documents, merged events, stories,
    story members and event reports."""
    counts = store.counts()
    counts.pop("ingest_runs")
    return {
        "counts": counts,
        "documents": store.fetchall("SELECT id, content_hash FROM documents ORDER BY id"),
        "events": store.fetchall(
            "SELECT id, num_articles, num_sources, num_mentions FROM events ORDER BY id"
        ),
        "stories": store.fetchall("SELECT id, num_articles FROM stories ORDER BY id"),
        "members": store.fetchall("SELECT story_id, article_id FROM story_members ORDER BY article_id"),
        "reports": store.fetchall("SELECT seq, event_id, article_event_id FROM event_reports ORDER BY seq"),
    }
