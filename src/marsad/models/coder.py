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
            return select(pooled, self.models, article.id)
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
