"""Deduplication: near-duplicate articles into stories (``stories``) and repeated reports of one
happening into merged events (``events``). Pure, incremental logic; the store persists its results."""

from marsad.dedup.events import MERGE_WINDOW_DAYS, EventMerger, MergeKey, merge_key, same_happening
from marsad.dedup.stories import DEFAULT_THRESHOLD, NUM_PERM, SHINGLE_WORDS, StoryIndex, shingles, signature

__all__ = [
    "DEFAULT_THRESHOLD",
    "MERGE_WINDOW_DAYS",
    "NUM_PERM",
    "SHINGLE_WORDS",
    "EventMerger",
    "MergeKey",
    "StoryIndex",
    "merge_key",
    "same_happening",
    "shingles",
    "signature",
]
