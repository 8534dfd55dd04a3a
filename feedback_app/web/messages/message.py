"""What a page says when a request is refused: a title and a sentence a person can act on."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Message:
    title: str
    body: str
