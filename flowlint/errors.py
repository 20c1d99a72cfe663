"""Errors a user can cause outside a flow file: they end the run with exit code 2 and one message."""

from __future__ import annotations


class UsageError(Exception):
    """A bad option, config or manifest: reported as ``flowlint: error: <message>``, exit 2."""
