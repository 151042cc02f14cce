"""The model coder: the same contract as the rule coder (``Article -> list[Event]``), with learned scores.

``mode`` selects how much of the learned machinery is used, for ablations:
``types`` (rule events kept only where the type model agrees), ``roles`` (type and role models decode
events themselves), ``full`` (rule and model events pooled and passed through the event filter).
"""

from __future__ import annotations

from marsad.events.coder import code as rule_code
from marsad.models.align import article_views
from marsad.models.decode import Models, decode, propose
from marsad.models.filter import event_key, pool, select
from marsad.records import Article, Event

MODES = ("types", "roles", "full")


class ModelCoder:
    def __init__(self, models: Models, mode: str = "full") -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
        self.models = models
        self.mode = mode if models.events is not None or mode != "full" else "roles"

    def __call__(self, article: Article) -> list[Event]:
        views = article_views(article)
        if self.mode == "full":
            pooled = pool(article, views, self.models)
            chosen = select(pooled, self.models.events, self.models.thresholds.keep, article.id)
            if self.models.thresholds.add_missing_types:
                return _add_missing_types(chosen, pooled, article.id)
            return chosen
        low = min(self.models.thresholds.type, self.models.thresholds.type_with_trigger)
        proposals = propose(views, self.models, low)
        if self.mode == "roles":
            return decode(views, proposals, self.models.thresholds, article.id, self.models.readings)
        typed = {(views[p.view_index].unit.start, p.type) for p in proposals if p.p_type >= low}
        return [
            e
            for e in rule_code(article)
            if any((ev.start, e.type) in typed for ev in e.evidence) and event_key(e)
        ]


def _add_missing_types(chosen: list[Event], pooled: list, article_id: str) -> list[Event]:
    """Types the model decoder found but the filter dropped come back with the model's best reading."""
    have = {e.type for e in chosen}
    for p in pooled:
        if p.key[0] not in have and "model" in p.sources:
            chosen.append(p.events[0])
            have.add(p.key[0])
    for n, e in enumerate(chosen):
        e.id = f"{article_id}/e{n}"
    return chosen
