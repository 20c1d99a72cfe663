"""How messages count things: ``1 file``, ``2 files``, ``5,124 versions``."""

from __future__ import annotations


def plural(word: str, number: int) -> str:
    """``word``, with an ``s`` unless ``number`` is 1."""
    return word if number == 1 else word + "s"


def count(number: int, word: str) -> str:
    """``1 plugin``, ``2 plugins``, ``5,124 versions`` (thousands separated)."""
    return f"{number:,} {plural(word, number)}"
