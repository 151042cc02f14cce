"""The model coder: the same contract as the rule coder (``Article -> list[Event]``), with learned scores."""

from __future__ import annotations

from marsad.models.align import article_views
from marsad.models.decode import Models, decode, propose
from marsad.records import Article, Event


class ModelCoder:
    def __init__(self, models: Models) -> None:
        self.models = models

    def __call__(self, article: Article) -> list[Event]:
        views = article_views(article)
        low = min(self.models.thresholds.type, self.models.thresholds.type_with_trigger)
        return decode(views, propose(views, self.models, low), self.models.thresholds, article.id)
