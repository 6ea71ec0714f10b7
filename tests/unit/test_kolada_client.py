"""The Kolada HTTP client against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
import math
import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

import pytest
from kolada_fake import FakeKolada, Fault, direct_to_fake, real_values

from kommunrapport.kolada.client import (
    BASE_URL_ENV,
    DEFAULT_BASE_URL,
    KoladaClient,
    KoladaError,
    KoladaNetworkError,
    KoladaResponseError,
    ResponseCache,
    RetryPolicy,
    batched,
    resolve_base_url,
)

KPIS = ("N15419", "N07403")
AREAS = ("0000", "0583", "1287", "1487")
YEARS = ("2019", "2020", "2021", "2022")


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    direct_to_fake(monkeypatch)


@pytest.fixture
def server() -> Iterator[FakeKolada]:
    values = real_values(set(KPIS), set(AREAS), {int(y) for y in YEARS})
    with FakeKolada(values, page_size=5) as fake:
        yield fake


def client_for(server: FakeKolada, sleeps: list[float], **kw: object) -> KoladaClient:
    options: dict[str, object] = {"retry": RetryPolicy(attempts=4, backoff=1.0), "timeout": 5.0}
    options.update(kw)
    return KoladaClient(base_url=server.base_url, sleep=sleeps.append, **options)  # type: ignore[arg-type]


def data_url(client: KoladaClient) -> str:
    return client.url("data", "kpi", KPIS, "municipality", AREAS, "year", YEARS)


def test_follows_next_url_across_pages(server: FakeKolada) -> None:
    client = client_for(server, [])
    items = client.get_all(data_url(client))
    expected = {(v.kpi, v.municipality, v.period, v.gender): v.value for v in server.values}
    got = {
        (i["kpi"], i["municipality"], i["period"], v["gender"]): v["value"]
        for i in items
        for v in i["values"]
    }
    assert got == expected
    pages = math.ceil(len({(v.kpi, v.municipality, v.period) for v in server.values}) / 5)
    assert pages >= 3
    assert len(server.data_requests()) == pages
    assert [c.from_cache for c in client.calls] == [False] * pages
    assert "?page=2" in server.data_requests()[1]


def test_429_then_success_honours_retry_after(server: FakeKolada) -> None:
    server.fault(Fault("/data/", status=429, headers={"Retry-After": "7"}))
    sleeps: list[float] = []
    client = client_for(server, sleeps)
    items = client.get_all(data_url(client))
    assert items
    assert sleeps == [7.0]
    assert client.http_requests == len(server.requests)


def test_retry_after_as_http_date(server: FakeKolada) -> None:
    now = datetime(2025, 5, 1, 12, 0, 0, tzinfo=UTC)
    later = datetime(2025, 5, 1, 12, 0, 30, tzinfo=UTC)
    server.fault(
        Fault("/kpi/", status=429, headers={"Retry-After": format_datetime(later, usegmt=True)})
    )
    sleeps: list[float] = []
    client = client_for(server, sleeps, clock=now.timestamp)
    client.get_all(client.url("kpi", KPIS))
    assert sleeps == [30.0]


def test_5xx_retried_with_exponential_backoff(server: FakeKolada) -> None:
    server.fault(Fault("/data/", status=503, times=2))
    sleeps: list[float] = []
    client = client_for(server, sleeps)
    assert client.get_all(data_url(client))
    assert sleeps == [1.0, 2.0]


def test_500_that_stays_names_the_url(server: FakeKolada) -> None:
    server.fault(Fault("/data/", status=500, times=99))
    sleeps: list[float] = []
    client = client_for(server, sleeps)
    url = data_url(client)
    with pytest.raises(KoladaNetworkError) as info:
        client.get_all(url)
    message = str(info.value)
    assert url in message
    assert "500" in message and "4 försök" in message
    assert sleeps == [1.0, 2.0, 4.0]
    assert len(server.data_requests()) == 4


def test_404_is_not_retried(server: FakeKolada) -> None:
    sleeps: list[float] = []
    client = client_for(server, sleeps)
    url = client.base_url + "/no/such/endpoint"
    with pytest.raises(KoladaNetworkError, match="404"):
        client.get_all(url)
    assert sleeps == []
    assert len(server.requests) == 1


def test_malformed_body_names_the_url(server: FakeKolada) -> None:
    server.fault(Fault("/data/", status=200, body=b'{"values": [{"kpi": "N15419", '))
    sleeps: list[float] = []
    client = client_for(server, sleeps)
    url = data_url(client)
    with pytest.raises(KoladaResponseError) as info:
        client.get_all(url)
    assert url in str(info.value)
    assert "JSON" in str(info.value)
    assert sleeps == []


def test_body_without_values_list_is_refused(server: FakeKolada) -> None:
    server.fault(Fault("/kpi/", status=200, body=json.dumps({"data": []}).encode()))
    client = client_for(server, [])
    with pytest.raises(KoladaResponseError, match="'values'"):
        client.get_all(client.url("kpi", KPIS))


def test_next_url_loop_is_stopped(server: FakeKolada) -> None:
    client = client_for(server, [])
    url = client.url("kpi", KPIS)
    body = json.dumps({"values": [], "next_url": url}).encode()
    server.fault(Fault("/kpi/", status=200, body=body, times=5))
    with pytest.raises(KoladaResponseError, match="redan hämtats"):
        client.get_all(url)


def test_timeout_is_retried_then_reported(server: FakeKolada) -> None:
    server.fault(Fault("/data/", hang=True, times=99))
    sleeps: list[float] = []
    client = client_for(server, sleeps, timeout=0.2, retry=RetryPolicy(attempts=2))
    url = data_url(client)
    with pytest.raises(KoladaNetworkError) as info:
        client.get_all(url)
    assert "svarade inte inom 0.2 s" in str(info.value)
    assert url in str(info.value)
    assert sleeps == [1.0]


def test_offline_gives_a_swedish_message_with_the_url() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    sleeps: list[float] = []
    client = KoladaClient(base_url=f"http://127.0.0.1:{port}/v3", sleep=sleeps.append)
    url = client.url("kpi", KPIS)
    with pytest.raises(KoladaNetworkError) as info:
        client.get_all(url)
    assert "Kan inte nå Kolada" in str(info.value)
    assert url in str(info.value)
    assert "kolada import" in str(info.value)
    assert sleeps == []


def test_cache_answers_a_rerun_without_http(server: FakeKolada, tmp_path: Path) -> None:
    clock = [1_000_000.0]
    cache = ResponseCache(tmp_path / "cache", clock=lambda: clock[0])
    first = client_for(server, [], cache=cache)
    items = first.get_all(data_url(first))
    asked = len(server.requests)

    clock[0] += 23 * 3600
    second = client_for(server, [], cache=cache)
    assert second.get_all(data_url(second)) == items
    assert len(server.requests) == asked
    assert second.http_requests == 0
    assert all(c.from_cache for c in second.calls)

    refreshed = client_for(server, [], cache=cache, refresh=True)
    assert refreshed.get_all(data_url(refreshed)) == items
    assert len(server.requests) == 2 * asked

    clock[0] += 24 * 3600 + 1
    stale = client_for(server, [], cache=cache)
    stale.get_all(data_url(stale))
    assert stale.http_requests == asked


def test_failed_answers_are_not_cached(server: FakeKolada, tmp_path: Path) -> None:
    cache = ResponseCache(tmp_path / "cache")
    server.fault(Fault("/kpi/", status=200, body=b"<html>oops</html>"))
    client = client_for(server, [], cache=cache)
    with pytest.raises(KoladaResponseError):
        client.get_all(client.url("kpi", KPIS))
    again = client_for(server, [], cache=cache)
    assert [i["id"] for i in again.get_all(again.url("kpi", KPIS))] == list(KPIS)
    assert again.http_requests == 1


def test_base_url_from_option_env_or_default(monkeypatch: pytest.MonkeyPatch) -> None:
    assert resolve_base_url() == DEFAULT_BASE_URL
    monkeypatch.setenv(BASE_URL_ENV, "http://127.0.0.1:9/v3/")
    assert resolve_base_url() == "http://127.0.0.1:9/v3"
    assert resolve_base_url("https://example.org/kolada") == "https://example.org/kolada"
    with pytest.raises(KoladaError, match="Ogiltig bas-URL"):
        resolve_base_url("api.kolada.se")


def test_batches_hold_at_most_25() -> None:
    ids = [f"{i:04d}" for i in range(60)]
    batches = list(batched(ids))
    assert [len(b) for b in batches] == [25, 25, 10]
    assert [x for b in batches for x in b] == ids


def test_url_joins_ids_with_commas() -> None:
    client = KoladaClient(base_url="https://api.kolada.se/v3")
    url = client.url("data", "kpi", ["N1", "N2"], "municipality", ["0180"], "year", ["2022"])
    assert url == "https://api.kolada.se/v3/data/kpi/N1,N2/municipality/0180/year/2022"


@pytest.mark.parametrize(
    "where", ["file", "other-host", "other-port", "ftp"], ids=lambda w: f"next_url-{w}"
)
def test_next_url_is_followed_only_to_the_api_host(
    server: FakeKolada, tmp_path: Path, where: str
) -> None:
    local = tmp_path / "sida.json"
    local.write_text(json.dumps({"values": [{"id": "FRAN-FIL"}], "next_url": None}))
    host, port = server.root_url.removeprefix("http://").split(":")
    target = {
        "file": local.as_uri(),
        "other-host": f"http://localhost.invalid:{port}/v3/kpi/N15419?page=2",
        "other-port": f"http://{host}:{int(port) + 1}/v3/kpi/N15419?page=2",
        "ftp": f"ftp://{host}:{port}/v3/kpi/N15419?page=2",
    }[where]
    body = json.dumps({"values": [{"id": "N15419"}], "next_url": target}).encode()
    server.fault(Fault("/kpi/", status=200, body=body))
    client = client_for(server, [])
    with pytest.raises(KoladaResponseError, match="hämtas inte") as info:
        client.get_all(client.url("kpi", KPIS))
    assert target in str(info.value)
    assert client.http_requests == 1  # nothing was asked of the other address


def test_a_relative_next_url_on_the_api_host_is_followed(server: FakeKolada) -> None:
    body = json.dumps({"values": [{"id": "N15419"}], "next_url": "/v3/kpi/N07403"}).encode()
    server.fault(Fault("/kpi/N15419", status=200, body=body))
    client = client_for(server, [])
    items = client.get_all(client.url("kpi", ["N15419"]))
    assert [i["id"] for i in items] == ["N15419", "N07403"]
