"""Why a use case refused: a reason code and data, worded by each channel in its own way."""

from __future__ import annotations

from typing import Any


class Refused(Exception):
    """A use case refused its input. `status` is the HTTP status a web channel answers with."""

    status = 400

    def __init__(self, reason: str, status: int | None = None, **data: Any) -> None:
        super().__init__(reason)
        self.reason = reason
        if status is not None:
            self.status = status
        self.data = data

    def __repr__(self) -> str:
        return f"Refused({self.reason!r}, status={self.status}, data={self.data!r})"
