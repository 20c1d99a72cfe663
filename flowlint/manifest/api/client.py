"""GET JSON from one Kestra server: its base URL, credentials from the environment, one-line errors."""

from __future__ import annotations

import base64
import email.utils
import http.client
import json
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from time import sleep
from typing import Any

from flowlint import __version__
from flowlint.errors import UsageError

RETRIES = 2
"""Further tries of a request that timed out or got a 5xx or 429 answer."""
BACKOFF = 0.5
"""Seconds before the first retry; doubled before each next one."""
MAX_RETRY_AFTER = 10.0
"""Seconds a 429 answer's ``Retry-After`` may make a retry wait at most."""
_USERINFO = re.compile(r"^(\s*[A-Za-z][\w+.-]*://)[^/?#]*@")


class Transient(UsageError):
    """A timeout, a 5xx or a 429 answer: worth another try (after ``retry_after`` seconds when the server
    says so)."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class NotFound(Exception):
    """A 404 answer: the only failure callers handle (an API this Kestra does not have)."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.url = url


@dataclass(frozen=True)
class Auth:
    """The credential headers to send, and what to say when the server answers 401."""

    headers: dict[str, str]
    missing: str | None
    """Why no credential was sent (for a 401), or None when one was."""
    rejected: str | None
    """Which credential was sent (for a 401)."""


def auth_from_env() -> Auth:
    """``KESTRA_API_TOKEN`` (a bearer token), else ``KESTRA_USERNAME`` and ``KESTRA_PASSWORD`` (basic)."""
    token = os.environ.get("KESTRA_API_TOKEN", "")
    if token:
        return Auth({"Authorization": f"Bearer {token}"}, None, "the token in KESTRA_API_TOKEN was rejected")
    user, password = os.environ.get("KESTRA_USERNAME", ""), os.environ.get("KESTRA_PASSWORD", "")
    if user and password:
        pair = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        return Auth({"Authorization": f"Basic {pair}"}, None, "KESTRA_USERNAME and KESTRA_PASSWORD were rejected")
    if user:
        return Auth({}, "KESTRA_USERNAME is set but KESTRA_PASSWORD is not", None)
    if password:
        return Auth({}, "KESTRA_PASSWORD is set but KESTRA_USERNAME is not", None)
    return Auth({}, "set KESTRA_API_TOKEN (or KESTRA_USERNAME and KESTRA_PASSWORD)", None)


def shown_url(url: str) -> str:
    """``url`` as messages show it: any user information (``user:password@``) masked as ``***``."""
    return _USERINFO.sub(r"\1***@", url)


def base_url(url: str) -> str:
    """The server's root URL from what the user gave (a trailing ``/api/v1...`` cut off); UsageError if
    invalid or if it carries credentials (they belong in the environment)."""
    shown = shown_url(url)
    if shown != url:
        raise UsageError(
            f"{shown}: flowlint takes no credentials in the URL (they would show in shell history and process "
            "lists): set KESTRA_USERNAME and KESTRA_PASSWORD, or KESTRA_API_TOKEN, instead"
        )
    try:
        parsed = urllib.parse.urlsplit(url.strip())
    except ValueError as error:  # an unclosed [ of an IPv6 address
        raise UsageError(f"invalid URL {url!r}: {error}") from None
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise UsageError(f"invalid URL {url!r}: expected http(s)://HOST[:PORT] of a Kestra server")
    try:
        parsed.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        raise UsageError(f"invalid URL {url!r}: bad port") from None
    path = parsed.path
    cut = path.find("/api/v1")
    if cut >= 0:
        path = path[:cut]
    return urllib.parse.urlunsplit((parsed.scheme, parsed.netloc, path.rstrip("/"), "", ""))


class Client:
    """GET JSON from one Kestra server; every failure but 404 becomes a one-line UsageError."""

    def __init__(self, base: str, timeout: float, auth: Auth) -> None:
        self.base = base
        self.timeout = timeout
        self.auth = auth
        parsed = urllib.parse.urlsplit(base)
        self.origin = f"{parsed.scheme}://{parsed.netloc}"
        self.headers = {"Accept": "application/json", "User-Agent": f"flowlint/{__version__}", **auth.headers}

    def get(
        self, path: str, query: dict[str, str | int] | None = None, give_up: Callable[[], bool] | None = None
    ) -> Any:
        """The JSON of ``GET {base}/api/v1/{path}``, tried again after a timeout, a 5xx or a 429 answer (up
        to RETRIES times, waiting BACKOFF seconds, then twice as long, or what a 429's ``Retry-After`` asks
        up to MAX_RETRY_AFTER; not once ``give_up`` says so); NotFound for a 404, a UsageError for any other
        failure."""
        attempt = 0
        while True:
            try:
                return self._get_once(path, query)
            except Transient as error:
                if attempt == RETRIES or (give_up is not None and give_up()):
                    raise
                wait = BACKOFF * 2**attempt if error.retry_after is None else error.retry_after
                sleep(min(wait, MAX_RETRY_AFTER))
                attempt += 1

    def _get_once(self, path: str, query: dict[str, str | int] | None) -> Any:
        url = f"{self.base}/api/v1/{path}"
        full = f"{url}?{urllib.parse.urlencode(query)}" if query else url
        request = urllib.request.Request(full, headers=self.headers, method="GET")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                body = response.read()
                content_type = response.headers.get_content_type() if response.headers.get("Content-Type") else None
        except urllib.error.HTTPError as error:
            error.close()
            if error.code == 429:
                wait = _seconds(error.headers.get("Retry-After") if error.headers else None)
                raise Transient(f"429 Too Many Requests from {url}", wait) from None
            raise self._status_error(error.code, str(error.reason or ""), url) from None
        except urllib.error.URLError as error:
            reason = error.reason
            if isinstance(reason, TimeoutError):
                raise self._timeout(url) from None
            text = getattr(reason, "strerror", None) or str(reason)
            raise UsageError(f"cannot connect to {self.origin}: {text}") from None
        except TimeoutError:
            raise self._timeout(url) from None
        except OSError as error:
            raise UsageError(f"cannot connect to {self.origin}: {error.strerror or error}") from None
        except http.client.HTTPException as error:
            raise UsageError(f"{url} did not answer in HTTP: {type(error).__name__}") from None
        try:
            return json.loads(body.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            what = content_type or "no content type"
            raise UsageError(f"{url} answered with something that is not JSON ({what})") from None
        except RecursionError:
            raise UsageError(f"{url} answered with JSON nested too deeply to read") from None
        except ValueError as error:  # an integer of thousands of digits
            raise UsageError(f"{url} answered with JSON flowlint cannot read: {error}") from None

    def _timeout(self, url: str) -> UsageError:
        return Transient(f"no answer from {url} within {self.timeout:g} s")

    def _status_error(self, code: int, reason: str, url: str) -> Exception:
        if code == 404:
            return NotFound(url)
        if code == 401:
            why = self.auth.missing or self.auth.rejected
            return UsageError(f"401 Unauthorized from {url}: {why}")
        if code == 403:
            need = (
                "versioned plugins need a superadmin"
                if "versioned-plugins" in url
                else "the user needs permission to read plugins"
            )
            return UsageError(f"403 Forbidden from {url}: the credentials were accepted but lack permission: {need}")
        error = Transient if code >= 500 else UsageError
        return error(f"{code} {reason or 'error'} from {url}".rstrip())


def _seconds(retry_after: str | None) -> float | None:
    """The wait a ``Retry-After`` header asks for (seconds, or an HTTP date); None when it asks none."""
    if retry_after is None:
        return None
    text = retry_after.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
