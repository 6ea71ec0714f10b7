"""A fake Kolada API v3 on 127.0.0.1 for the connector's tests.

It serves v3-shaped JSON built from real Kolada data (tests/fixtures/kolada, copied
from shared/realdata): ``/kpi/{ids}``, ``/municipality_groups/{id}`` and
``/data/kpi/{kpis}/municipality/{ids}/year/{years}``, paginated with ``next_url``.
Faults can be scripted per path (a status code, a malformed body, a hang), and every
request is recorded so tests can count them.
"""

from __future__ import annotations

import csv
import json
import threading
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from kommunrapport.kolada.client import BASE_URL_ENV

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "kolada"
PREFIX = "/v3"
MAX_IDS = 25


def direct_to_fake(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let a test's requests reach the fake on 127.0.0.1: no proxy from the environment and
    no base-URL override (for an autouse fixture of the Kolada test modules)."""
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.delenv(BASE_URL_ENV, raising=False)


@dataclass
class Value:
    kpi: str
    municipality: str
    period: int
    gender: str
    value: float | None
    status: str = ""
    isdeleted: bool = False


@dataclass
class Fault:
    """Answer requests whose path contains ``contains`` like this, ``times`` times."""

    contains: str
    status: int = 500
    body: bytes = b'{"error": "internal"}'
    headers: dict[str, str] = field(default_factory=dict)
    times: int = 1
    hang: bool = False


@cache
def _real_values() -> tuple[tuple[str, str, int, str, float], ...]:
    with (FIXTURE / "values.csv").open(encoding="utf-8", newline="") as f:
        return tuple(
            (r["kpi"], r["municipality_id"], int(r["period"]), r["gender"], float(r["value"]))
            for r in csv.DictReader(f)
        )


def real_values(
    kpis: set[str] | None = None, areas: set[str] | None = None, years: set[int] | None = None
) -> list[Value]:
    """Real Kolada values from the fixture, filtered."""
    return [
        Value(k, m, p, g, v)
        for k, m, p, g, v in _real_values()
        if (kpis is None or k in kpis)
        and (areas is None or m in areas)
        and (years is None or p in years)
    ]


@cache
def real_kpis() -> dict[str, dict[str, Any]]:
    """v3 KPI objects (typing as v3 sends them: 0/1 integers, null dates)."""
    out: dict[str, dict[str, Any]] = {}
    with (FIXTURE / "kpi.csv").open(encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            obj: dict[str, Any] = dict(r)
            obj["is_divided_by_gender"] = int(r["is_divided_by_gender"] == "True")
            obj["has_ou_data"] = int(r["has_ou_data"] == "True")
            obj["publ_period"] = int(r["publ_period"]) if r["publ_period"] else None
            for key in ("prel_publication_date", "publication_date"):
                obj[key] = r[key] or None
            out[r["id"]] = obj
    return out


@cache
def real_groups() -> dict[str, dict[str, Any]]:
    """v3 municipality group objects with their members."""
    out: dict[str, dict[str, Any]] = {}
    with (FIXTURE / "groups.csv").open(encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            g = out.setdefault(r["group_id"], {"id": r["group_id"], "title": r["group_title"]})
            g.setdefault("members", []).append(
                {"member_id": r["member_id"], "member_title": r["member_title"]}
            )
    return out


class FakeKolada:
    """The server. Use as a context manager; ``base_url`` ends in ``/v3``."""

    def __init__(
        self,
        values: list[Value],
        kpis: dict[str, dict[str, Any]] | None = None,
        groups: dict[str, dict[str, Any]] | None = None,
        page_size: int = 1000,
    ) -> None:
        self.values = values
        self.kpis = real_kpis() if kpis is None else kpis
        self.groups = real_groups() if groups is None else groups
        self.page_size = page_size
        self.faults: list[Fault] = []
        self.requests: list[str] = []
        self.release = threading.Event()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def root_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def base_url(self) -> str:
        return self.root_url + PREFIX

    def __enter__(self) -> FakeKolada:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def fault(self, fault: Fault) -> None:
        self.faults.append(fault)

    def data_requests(self) -> list[str]:
        return [r for r in self.requests if r.startswith(PREFIX + "/data/")]

    # --- answering ---------------------------------------------------------------------
    def _take_fault(self, path: str) -> Fault | None:
        with self._lock:
            self.requests.append(path)
            for f in self.faults:
                if f.contains in path and f.times > 0:
                    f.times -= 1
                    return f
        return None

    def _answer(self, path: str) -> tuple[int, bytes]:
        parsed = urllib.parse.urlparse(path)
        page = int(urllib.parse.parse_qs(parsed.query).get("page", ["1"])[0])
        parts = [urllib.parse.unquote(p) for p in parsed.path.split("/") if p]
        if not parts or parts[0] != PREFIX.strip("/"):
            return 404, b'{"error": "not found"}'
        parts = parts[1:]
        if len(parts) == 2 and parts[0] == "kpi":
            items = [self.kpis[k] for k in parts[1].split(",") if k in self.kpis]
        elif len(parts) == 2 and parts[0] == "municipality_groups":
            items = [self.groups[g] for g in parts[1].split(",") if g in self.groups]
        elif (
            len(parts) == 7
            and parts[0] == "data"
            and (parts[1], parts[3], parts[5]) == ("kpi", "municipality", "year")
        ):
            kpis, areas, years = (set(parts[i].split(",")) for i in (2, 4, 6))
            if len(areas) > MAX_IDS or len(years) > MAX_IDS:
                return 400, b'{"error": "at most 25 municipalities or years"}'
            items = list(self._data_items(kpis, areas, {int(y) for y in years}))
        else:
            return 404, b'{"error": "not found"}'
        start = (page - 1) * self.page_size
        chunk = items[start : start + self.page_size]
        next_url = None
        if start + self.page_size < len(items):
            next_url = f"{self.root_url}{parsed.path}?page={page + 1}"
        return 200, json.dumps({"values": chunk, "next_url": next_url}).encode("utf-8")

    def _data_items(
        self, kpis: set[str], areas: set[str], years: set[int]
    ) -> Iterator[dict[str, Any]]:
        grouped: dict[tuple[str, str, int], list[dict[str, Any]]] = {}
        for v in self.values:
            if v.kpi in kpis and v.municipality in areas and v.period in years:
                grouped.setdefault((v.kpi, v.municipality, v.period), []).append(
                    {
                        "gender": v.gender,
                        "count": 1,
                        "status": v.status,
                        "value": v.value,
                        "isdeleted": v.isdeleted,
                    }
                )
        for (kpi, muni, period), vals in sorted(grouped.items()):
            yield {"kpi": kpi, "municipality": muni, "period": period, "values": vals}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                fault = fake._take_fault(self.path)
                if fault is not None and fault.hang:
                    fake.release.wait(10)
                    return
                if fault is not None:
                    status, body, headers = fault.status, fault.body, fault.headers
                else:
                    (status, body), headers = fake._answer(self.path), {}
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                return

        return Handler
