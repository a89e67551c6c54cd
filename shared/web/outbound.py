"""The SSRF guard: may the platform send a request to this URL that a user gave (a partner's webhook)?

`check_target` refuses what is not an http(s) URL with a host, a URL with
credentials, and a host that resolves to an address that is not public:
loopback, private, link-local (169.254.169.254, the cloud metadata service,
and fe80::/10), shared (100.64.0.0/10), multicast, reserved, unspecified,
documentation and benchmarking ranges — also when written as an IPv4-mapped,
6to4, Teredo or NAT64 IPv6 address. An address inside one of
`allowed_networks` (CIDRs, e.g. the loopback range in development) is allowed
whatever its kind. A host name is checked by what it resolves to, every
address of it: one refused address refuses the URL.

Check at creation and again right before each request, and send the request to
the address the check returned (`Target.address`), so that a DNS answer that
changes in between (rebinding) cannot lead the request elsewhere. A name that
does not resolve passes with no address: it can be published later, and a
request to it fails (and is retried) until it resolves to an allowed address.
"""
from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from typing import Iterable, Union
from urllib.parse import urlsplit

from shared.domain.errors import DomainError

IPAddress = Union[ipaddress.IPv4Address, ipaddress.IPv6Address]
IPNetwork = Union[ipaddress.IPv4Network, ipaddress.IPv6Network]
SCHEMES = {"http": 80, "https": 443}
LOOPBACK = "127.0.0.0/8,::1/128"  # what the development profile allows
NAT64 = ipaddress.ip_network("64:ff9b::/96")


class InvalidUrl(DomainError):
    code = "invalid-url"
    field = "url"


class ForbiddenTarget(DomainError):
    code = "forbidden-target"
    field = "url"


@dataclass(frozen=True)
class Target:
    """A checked URL: where to connect (`address`: None when the name does not resolve) and what to ask for."""
    scheme: str
    host: str            # the name, for the Host header and the TLS certificate
    port: int
    path: str            # path and query
    address: str | None

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == SCHEMES[self.scheme] else f"{host}:{self.port}"


def networks(text: str) -> tuple[IPNetwork, ...]:
    """Comma-separated CIDRs (a setting) as networks; ValueError names a malformed one."""
    return tuple(ipaddress.ip_network(part.strip(), strict=False) for part in text.split(",") if part.strip())


def check_target(url: str, allowed_networks: Iterable[IPNetwork] = (), field: str = "url") -> Target:
    """The URL's target when every address its host resolves to may be reached; else ForbiddenTarget or InvalidUrl
    (naming `field`, the URL's field in the API)."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise InvalidUrl(field, "an http or https URL")
    if parts.username is not None or parts.password is not None:
        raise InvalidUrl(field, "a URL without credentials (the signature authenticates the sender)")
    try:
        host, port = parts.hostname, parts.port
    except ValueError:
        raise InvalidUrl(field, "a port from 1 to 65535") from None
    port = SCHEMES[scheme] if port is None else port
    if not host or not port:
        raise InvalidUrl(field, "a URL with a host and a port from 1 to 65535")
    allowed = tuple(allowed_networks)
    addresses = resolve(host, port)
    for address in addresses:
        refusal = refused(address, allowed)
        if refusal:
            raise ForbiddenTarget(field, f"a host with public addresses only (it resolves to {refusal} address)")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(scheme, host, port, path, str(addresses[0]) if addresses else None)


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address of the host (an address literal is itself); none when the name does not resolve."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return []
    found = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]  # without an IPv6 zone
    return list(dict.fromkeys(found))


def refused(address: IPAddress, allowed: tuple[IPNetwork, ...]) -> str | None:
    """Why the address may not be reached ("a loopback", "a private"...), or None when it may."""
    # an IPv4-mapped address is its IPv4 address; other forms are refused when the IPv6 address or what it carries is
    mapped = address.ipv4_mapped if isinstance(address, ipaddress.IPv6Address) else None
    forms = [mapped] if mapped else [*embedded_ipv4(address), address]
    if any(form in network for form in forms for network in allowed):
        return None
    for form in forms:
        kind = kind_of(form)
        if kind:
            return kind
    return None


def embedded_ipv4(address: IPAddress) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address carries (6to4, Teredo, NAT64), which a request may reach."""
    if not isinstance(address, ipaddress.IPv6Address):
        return []
    carried = [address.sixtofour, *(address.teredo or ())]
    if address in NAT64:
        carried.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return [v4 for v4 in carried if v4 is not None]


def kind_of(address: IPAddress) -> str | None:
    """The kind of a non-public address, or None for a public one."""
    checks = (("an unspecified", address.is_unspecified), ("a loopback", address.is_loopback),
              ("a link-local", address.is_link_local), ("a multicast", address.is_multicast),
              ("a private", address.is_private), ("a reserved", address.is_reserved),
              ("a non-public", not address.is_global))
    return next((kind for kind, applies in checks if applies), None)
