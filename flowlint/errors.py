"""Errors a user can cause outside a flow file: they end the run with exit code 2 and one message."""

from __future__ import annotations


class UsageError(Exception):
    """A bad option, config or manifest: reported as ``flowlint: error: <message>``, exit 2."""


REPORT_URL = "https://github.com/flowlint/flowlint/issues"


def bug_report_request(hint: str = "") -> str:
    """The request to report an internal error (``hint``: more to say before the full stop)."""
    from flowlint import __version__

    return (
        f"This is a bug in flowlint {__version__}. Please report it at {REPORT_URL} with the command you ran "
        f"and the file it ran on{hint}."
    )
