"""A run log for the readers: bad input is counted and logged, never raised.

Ingesting real archives means meeting broken lines, binary junk and truncated pages. One bad record
must not stop a run of millions, so every reader reports problems here instead of raising; the run
ends with ``summary()`` so dropped input is visible rather than silent.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field

LOGGER = logging.getLogger("marsad.readers")

# Entries kept verbatim; counts go on past this so a pathological input cannot exhaust memory.
MAX_ENTRIES = 10_000


@dataclass(slots=True, frozen=True)
class ReadError:
    """One problem: what kind, where (source and 1-based line when known), and a readable message."""

    kind: str
    source: str
    line: int | None
    message: str


@dataclass(slots=True)
class ErrorLog:
    """Counts errors by kind and keeps ``(source, line, message)`` entries; also counts documents read."""

    entries: list[ReadError] = field(default_factory=list)
    by_kind: Counter[str] = field(default_factory=Counter)
    documents: int = 0

    def add(self, kind: str, source: str, line: int | None = None, message: str = "") -> None:
        """Record one error and log it as a warning on the ``marsad.readers`` logger."""
        self.by_kind[kind] += 1
        if len(self.entries) < MAX_ENTRIES:
            self.entries.append(ReadError(kind, source, line, message))
        where = f"{source}:{line}" if line is not None else source
        LOGGER.warning("%s: %s: %s", kind, where, message)

    @property
    def count(self) -> int:
        """Total number of errors of every kind."""
        return sum(self.by_kind.values())

    def __len__(self) -> int:
        return self.count

    def summary(self) -> dict[str, object]:
        """Counts for the end of a run: documents read, errors in total and by kind."""
        return {"documents": self.documents, "errors": self.count, "by_kind": dict(self.by_kind)}
