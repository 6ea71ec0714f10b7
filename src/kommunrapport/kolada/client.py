"""A small HTTP client for the Kolada API v3, on the standard library only.

It knows the transport, not the domain: it builds URLs from the base URL, sends GET
requests with a timeout, retries with exponential backoff on 429 (honouring
``Retry-After``) and 5xx, follows ``next_url`` across pages, and keeps every
successful page in a cache on disk for a day. Every error is a :class:`KoladaError`
whose Swedish message names the URL.

The v3 envelope is ``{"values": [...], "next_url": "..." | null}``.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from kommunrapport import __version__
from kommunrapport.data.errors import KommunrapportError

DEFAULT_BASE_URL = "https://api.kolada.se/v3"
BASE_URL_ENV = "KOMMUNRAPPORT_KOLADA_URL"
MAX_IDS_PER_REQUEST = 25
"""Kolada answers at most 25 municipalities or years per request."""
CACHE_TTL_SECONDS = 24 * 60 * 60
MAX_PAGES = 10_000

JsonObject = dict[str, Any]


class KoladaError(KommunrapportError):
    """Kolada could not be asked, or answered something unusable."""


class KoladaNetworkError(KoladaError):
    """No usable answer: offline, timeout, or an HTTP error that did not go away."""


class KoladaResponseError(KoladaError):
    """Kolada answered, but the body is not what the v3 API returns."""


def resolve_base_url(explicit: str | None = None) -> str:
    """The base URL: ``explicit``, else ``$KOMMUNRAPPORT_KOLADA_URL``, else the public API."""
    url = explicit or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL
    parsed = urllib.parse.urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise KoladaError(f"Ogiltig bas-URL för Kolada: '{url}' (ska börja med https://).")
    return url.rstrip("/")


def batched(items: Sequence[str], size: int = MAX_IDS_PER_REQUEST) -> Iterator[tuple[str, ...]]:
    """``items`` in consecutive chunks of at most ``size``."""
    for start in range(0, len(items), size):
        yield tuple(items[start : start + size])


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to wait. Attempt ``n`` (from 1) waits ``backoff * 2**(n-1)``
    seconds before the next, unless the server says ``Retry-After``; waits are capped."""

    attempts: int = 4
    backoff: float = 1.0
    max_wait: float = 60.0

    def wait(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.max_wait)
        return float(min(self.backoff * 2 ** (attempt - 1), self.max_wait))


@dataclass(frozen=True)
class Call:
    """One page asked for: its URL and whether the answer came from the cache."""

    url: str
    from_cache: bool


class ResponseCache:
    """Raw response bodies on disk, keyed by URL, valid for ``ttl`` seconds."""

    def __init__(
        self,
        directory: Path,
        ttl: float = CACHE_TTL_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.directory = directory
        self.ttl = ttl
        self.clock = clock

    def _file(self, url: str) -> Path:
        return self.directory / (hashlib.sha256(url.encode("utf-8")).hexdigest() + ".json")

    def get(self, url: str) -> str | None:
        path = self._file(url)
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(entry, dict) or entry.get("url") != url:
            return None
        fetched = entry.get("fetched_at")
        body = entry.get("body")
        if not isinstance(fetched, int | float) or not isinstance(body, str):
            return None
        age = self.clock() - float(fetched)
        if age < 0 or age >= self.ttl:
            return None
        return body

    def put(self, url: str, body: str) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        entry = {"url": url, "fetched_at": self.clock(), "body": body}
        fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(entry, handle, ensure_ascii=False)
            os.replace(tmp, self._file(url))
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def _retry_after(value: str | None, clock: Callable[[], float]) -> float | None:
    if not value:
        return None
    value = value.strip()
    try:
        return float(value)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return when.timestamp() - clock()


def _is_timeout(reason: object) -> bool:
    return isinstance(reason, TimeoutError)


@dataclass
class KoladaClient:
    """GET JSON pages from Kolada v3 with timeout, retries, pagination and cache.

    ``sleep`` and ``clock`` are injectable so tests never really wait. ``calls``
    records every page asked for (cached or not), ``http_requests`` counts the
    requests that went over the network.
    """

    base_url: str = DEFAULT_BASE_URL
    timeout: float = 30.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    cache: ResponseCache | None = None
    refresh: bool = False
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.time
    calls: list[Call] = field(default_factory=list)
    http_requests: int = 0
    _opener_cache: urllib.request.OpenerDirector | None = field(default=None, repr=False)

    def _opener(self) -> urllib.request.OpenerDirector:
        # Built per client (not urllib's global one) so proxy settings are read now.
        if self._opener_cache is None:
            self._opener_cache = urllib.request.build_opener()
        return self._opener_cache

    def url(self, *segments: str | Iterable[str]) -> str:
        """``base_url`` plus path segments; an iterable segment is joined by commas."""
        parts: list[str] = []
        for seg in segments:
            text = seg if isinstance(seg, str) else ",".join(seg)
            parts.append(urllib.parse.quote(text, safe=",-_."))
        return self.base_url + "/" + "/".join(parts)

    # --- pages -------------------------------------------------------------------------
    def get_all(self, url: str) -> list[JsonObject]:
        """Every item of ``values`` across all pages, following ``next_url``."""
        items: list[JsonObject] = []
        seen: set[str] = set()
        next_url: str | None = url
        while next_url is not None:
            if next_url in seen or len(seen) >= MAX_PAGES:
                raise KoladaResponseError(
                    f"Kolada pekar tillbaka på en sida som redan hämtats ({next_url}); "
                    "avbryter för att inte fastna."
                )
            seen.add(next_url)
            page = self.get_json(next_url)
            values = page.get("values")
            if not isinstance(values, list) or not all(isinstance(v, dict) for v in values):
                raise KoladaResponseError(
                    f"Svaret från {next_url} saknar listan 'values' (är det Koladas API v3?)."
                )
            items.extend(values)
            following = page.get("next_url")
            if following in (None, ""):
                next_url = None
            elif isinstance(following, str):
                next_url = self._next_page(next_url, following)
            else:
                raise KoladaResponseError(f"Svaret från {next_url} har ett ogiltigt 'next_url'.")
        return items

    def _next_page(self, url: str, following: str) -> str:
        """The absolute ``next_url``, only when it is http(s) on the API's own host: a
        response must not send the client to a local file or another server."""
        target = urllib.parse.urljoin(url, following)
        parsed = urllib.parse.urlsplit(target)
        api = urllib.parse.urlsplit(self.base_url)
        if parsed.scheme not in ("http", "https") or parsed.netloc.lower() != api.netloc.lower():
            raise KoladaResponseError(
                f"Svaret från {url} pekar på nästa sida {following!r}, som inte ligger på "
                f"Koladas API ({api.scheme}://{api.netloc}); den hämtas inte."
            )
        return target

    def get_json(self, url: str) -> JsonObject:
        """One page as a JSON object, from the cache when it is fresh."""
        if self.cache is not None and not self.refresh:
            body = self.cache.get(url)
            if body is not None:
                try:
                    page = self._parse(url, body)
                except KoladaResponseError:
                    page = None
                if page is not None:
                    self.calls.append(Call(url, from_cache=True))
                    return page
        body = self._fetch(url)
        page = self._parse(url, body)
        self.calls.append(Call(url, from_cache=False))
        if self.cache is not None:
            self.cache.put(url, body)
        return page

    @staticmethod
    def _parse(url: str, body: str) -> JsonObject:
        try:
            data = json.loads(body)
        except ValueError as exc:
            raise KoladaResponseError(
                f"Kolada svarade med något som inte är giltig JSON från {url} ({exc})."
            ) from None
        if not isinstance(data, dict):
            raise KoladaResponseError(
                f"Kolada svarade med oväntad JSON från {url} (väntade ett objekt med 'values')."
            )
        return data

    # --- one request, with retries -----------------------------------------------------
    def _fetch(self, url: str) -> str:
        request = urllib.request.Request(
            url,
            headers={
                "Accept": "application/json",
                "User-Agent": f"kommunrapport/{__version__} (Python urllib)",
            },
        )
        attempt = 0
        while True:
            attempt += 1
            retry_after: float | None = None
            self.http_requests += 1
            try:
                with self._opener().open(request, timeout=self.timeout) as response:
                    raw: bytes = response.read()
                    charset = response.headers.get_content_charset() or "utf-8"
                try:
                    return raw.decode(charset)
                except (UnicodeDecodeError, LookupError):
                    raise KoladaResponseError(
                        f"Kolada svarade med text som inte går att avkoda från {url}."
                    ) from None
            except urllib.error.HTTPError as exc:
                code = exc.code
                exc.close()
                if code != 429 and code < 500:
                    raise KoladaNetworkError(
                        f"Kolada svarade {code} ({_reason(exc)}) på {url}. "
                        "Kontrollera Kolada-id:n i data/ och bas-URL:en."
                    ) from None
                retry_after = _retry_after(exc.headers.get("Retry-After"), self.clock)
                problem = (
                    f"Kolada svarade {code} (för många anrop) på {url}"
                    if code == 429
                    else f"Kolada svarade {code} ({_reason(exc)}) på {url}"
                )
            except urllib.error.URLError as exc:
                if not _is_timeout(exc.reason):
                    raise KoladaNetworkError(
                        f"Kan inte nå Kolada på {url} ({exc.reason}). Är datorn ansluten till "
                        "nätet? Utan nät går det att importera en CSV-export från Kolada med "
                        "'kommunrapport kolada import FIL'."
                    ) from None
                problem = f"Kolada svarade inte inom {self.timeout:g} s på {url}"
            except TimeoutError:
                problem = f"Kolada svarade inte inom {self.timeout:g} s på {url}"
            except (http.client.HTTPException, ConnectionError) as exc:
                problem = f"Förbindelsen med Kolada bröts på {url} ({type(exc).__name__})"
            if attempt >= self.retry.attempts:
                raise KoladaNetworkError(
                    f"{problem}; gav upp efter {attempt} försök. Försök igen senare."
                )
            self.sleep(self.retry.wait(attempt, retry_after))


def _reason(exc: urllib.error.HTTPError) -> str:
    return str(exc.reason or http.client.responses.get(exc.code, "fel"))
