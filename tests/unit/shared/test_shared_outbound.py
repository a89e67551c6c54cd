"""The SSRF guard (shared/web/outbound.py): which URLs a webhook may target."""
from __future__ import annotations

import pytest

from shared.web.outbound import LOOPBACK, ForbiddenTarget, InvalidUrl, check_target, networks

REFUSED = [
    "http://127.0.0.1/hook", "http://127.1.2.3:8080/hook", "http://localhost/hook", "http://[::1]/hook",
    "http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/hook", "http://[febf:ffff::1]/hook",
    "http://10.0.0.1/hook", "http://172.16.5.4/hook", "http://172.31.255.255/hook", "http://192.168.1.1/hook",
    "http://100.64.0.1/hook",                                  # shared address space (carrier-grade NAT)
    "http://[fc00::1]/hook", "http://[fd12:3456::1]/hook",     # unique local
    "http://224.0.0.1/hook", "http://239.255.255.250/hook", "http://[ff02::1]/hook",
    "http://0.0.0.0/hook", "http://[::]/hook", "http://240.0.0.1/hook", "http://255.255.255.255/hook",
    "http://192.0.2.10/hook", "http://198.18.0.1/hook", "http://[2001:db8::1]/hook",  # documentation, benchmarking
    "http://[::ffff:127.0.0.1]/hook", "http://[::ffff:169.254.169.254]/hook", "http://[::ffff:10.0.0.1]/hook",
    "http://[::ffff:7f00:1]/hook",                              # IPv4-mapped, written in hex
    "http://[2002:7f00:1::]/hook", "http://[2002:a9fe:a9fe::]/hook",  # 6to4 of loopback and of the metadata
    "http://[64:ff9b::a9fe:a9fe]/hook",                         # NAT64 of the metadata address
    "http://2130706433/hook", "http://0x7f.1/hook", "http://017700000001/hook", "http://127.1/hook",
]
PUBLIC = ["https://93.184.216.34/hook", "http://8.8.8.8:8080/a/b?c=d", "https://[2606:4700::6810:85e5]/hook",
          "http://[::ffff:8.8.8.8]/hook", "https://1.1.1.1"]


@pytest.mark.parametrize("url", REFUSED)
def test_a_non_public_address_is_refused_naming_the_url(url):
    with pytest.raises(ForbiddenTarget) as refused:
        check_target(url)
    assert refused.value.field == "url" and refused.value.kind == "invalid"
    assert "public addresses only" in refused.value.answer


@pytest.mark.parametrize("url", PUBLIC)
def test_a_public_address_may_be_reached(url):
    target = check_target(url)
    assert target.address is not None


@pytest.mark.parametrize("url", ["ftp://8.8.8.8/x", "file:///etc/passwd", "gopher://8.8.8.8/", "javascript:alert(1)",
                                 "//8.8.8.8/x", "8.8.8.8/x", "http:///x", "http://8.8.8.8:0/x",
                                 "http://8.8.8.8:99999/x", "http://user:pw@8.8.8.8/x", "http://user@8.8.8.8/x"])
def test_what_is_no_http_url_without_credentials_is_invalid(url):
    with pytest.raises(InvalidUrl) as refused:
        check_target(url)
    assert refused.value.field == "url"


def test_the_allowed_networks_permit_their_addresses_in_any_form():
    allowed = networks(LOOPBACK)
    for url in ("http://127.0.0.1:8080/hook", "http://localhost/hook", "http://[::1]/hook",
                "http://[::ffff:127.0.0.1]/hook"):
        assert check_target(url, allowed).address is not None
    with pytest.raises(ForbiddenTarget):
        check_target("http://169.254.169.254/", allowed)
    assert check_target("http://10.1.2.3/", networks("10.0.0.0/8")).address == "10.1.2.3"


def test_a_name_is_checked_by_every_address_it_resolves_to(monkeypatch):
    answers = [(2, 1, 6, "", ("8.8.8.8", 443)), (2, 1, 6, "", ("10.0.0.7", 443))]
    monkeypatch.setattr("socket.getaddrinfo", lambda *_args, **_kw: answers)
    with pytest.raises(ForbiddenTarget) as refused:
        check_target("https://partner.example/hook")
    assert "a private address" in refused.value.answer


def test_the_target_keeps_the_name_for_the_host_header_and_the_checked_address_to_connect_to(monkeypatch):
    monkeypatch.setattr("socket.getaddrinfo", lambda *_args, **_kw: [(2, 1, 6, "", ("93.184.216.34", 8443))])
    target = check_target("https://Partner.Example:8443/in/hook?x=1#fragment")
    assert (target.scheme, target.host, target.port, target.path, target.address) == (
        "https", "partner.example", 8443, "/in/hook?x=1", "93.184.216.34")
    assert target.host_header == "partner.example:8443"
    assert check_target("http://[2606:4700::1]/").host_header == "[2606:4700::1]"


def test_a_name_that_does_not_resolve_passes_without_an_address():
    assert check_target("https://not-yet-published.invalid/hook").address is None


def test_malformed_allowed_networks_are_refused():
    assert networks(" 127.0.0.0/8 , ::1/128 ,") == networks(LOOPBACK)
    with pytest.raises(ValueError):
        networks("127.0.0.0/33")
