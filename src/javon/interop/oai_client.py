"""A careful OAI-PMH client: it asks only public hosts (unless told otherwise), waits its
turn per host, retries with back-off, reads a bounded amount and parses without entities.

    client = OaiClient(allow_private=False, delay=1.0)
    root = client.request("https://repo.example.uz/oai", {"verb": "Identify"})

Every address a host name resolves to is checked (loopback, private, link-local, reserved,
multicast are refused), the connection goes to the checked address (no second lookup for a
rebinding DNS to answer differently), and each redirect is checked again.
"""

from __future__ import annotations

import email.utils
import ipaddress
import logging
import socket
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
from lxml import etree

log = logging.getLogger(__name__)

OAI = "http://www.openarchives.org/OAI/2.0/"
USER_AGENT = "Javon-harvester/0.1 (OAI-PMH 2.0)"
RETRY_STATUSES = {429, 500, 502, 503, 504}
MAX_REDIRECTS = 5
Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]


class HarvestError(Exception):
    """The harvest cannot go on: the message says why."""


class UnsafeAddress(HarvestError):
    """The host resolves to an address the harvester may not ask (loopback, private, …)."""


class ProtocolError(HarvestError):
    """The repository answered with an OAI-PMH <error>."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code


def system_resolver(host: str, port: int) -> list[str]:
    return list(dict.fromkeys(str(info[4][0]) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)))


def is_public(address: Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_reserved
        or address.is_multicast
        or address.is_unspecified
        or not address.is_global
    )


def safe_parser() -> etree.XMLParser:
    """No entities, no DTD, no network, no huge trees: a hostile repository gets nowhere."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def parse(body: bytes) -> Any:
    try:
        return etree.fromstring(body, safe_parser())
    except etree.XMLSyntaxError as error:
        raise HarvestError(f"the response is not well-formed XML: {error}") from error


class HostClock:
    """When each host may be asked next, shared by every client in the process."""

    _lock = threading.Lock()
    _next: dict[str, float] = {}  # noqa: RUF012 - shared on purpose

    @classmethod
    def wait_turn(cls, host: str, delay: float, sleep: Callable[[float], None]) -> None:
        with cls._lock:
            now = time.monotonic()
            at = max(now, cls._next.get(host, 0.0))
            cls._next[host] = at + delay
        if at > now:
            sleep(at - now)


class OaiClient:
    def __init__(
        self,
        *,
        allow_private: bool = False,
        delay: float = 1.0,
        timeout: float = 60.0,
        retries: int = 5,
        backoff: float = 2.0,
        max_wait: float = 300.0,
        max_bytes: int = 64 * 1024 * 1024,
        transport: httpx.BaseTransport | None = None,
        resolver: Resolver = system_resolver,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.allow_private = allow_private
        self.delay = delay
        self.retries = retries
        self.backoff = backoff
        self.max_wait = max_wait
        self.max_bytes = max_bytes
        self.resolver = resolver
        self.sleep = sleep
        self.http = httpx.Client(
            timeout=httpx.Timeout(timeout, connect=min(timeout, 15.0)),
            follow_redirects=False,
            trust_env=False,
            headers={"User-Agent": USER_AGENT},
            transport=transport,
        )

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> OaiClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ addresses
    def checked_address(self, url: str) -> str:
        """The address to connect to for `url`, after checking every address its host has."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise HarvestError(f"{url!r} is not an http(s) URL")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        try:
            addresses = [ipaddress.ip_address(a.split("%")[0]) for a in self.resolver(parts.hostname, port)]
        except (OSError, ValueError) as error:
            raise HarvestError(f"cannot resolve {parts.hostname}: {error}") from error
        if not addresses:
            raise HarvestError(f"{parts.hostname} has no address")
        if not self.allow_private:
            refused = [str(a) for a in addresses if not is_public(a)]
            if refused:
                raise UnsafeAddress(
                    f"{parts.hostname} resolves to a non-public address ({', '.join(refused)}); "
                    "allow private addresses for this source to harvest it"
                )
        ipv4 = [a for a in addresses if a.version == 4]
        return str((ipv4 or addresses)[0])

    def _pinned(self, url: str) -> tuple[str, dict[str, str], dict[str, Any]]:
        """The URL with its host replaced by the checked address, the Host header and TLS name."""
        parts = urlsplit(url)
        address = self.checked_address(url)
        host = parts.hostname or ""
        literal = f"[{address}]" if ":" in address else address
        netloc = literal + (f":{parts.port}" if parts.port else "")
        pinned = parts._replace(netloc=netloc).geturl()
        host_header = (f"[{host}]" if ":" in host else host) + (f":{parts.port}" if parts.port else "")
        extensions = {"sni_hostname": host} if parts.scheme == "https" else {}
        return pinned, {"Host": host_header}, extensions

    # ------------------------------------------------------------ requests
    def _retry_wait(self, attempt: int, response: httpx.Response | None) -> float:
        wait = self.backoff * (2**attempt)
        header = response.headers.get("Retry-After", "") if response is not None else ""
        if header.strip().isdigit():
            wait = float(header.strip())
        elif header:
            when = email.utils.parsedate_to_datetime(header) if header else None
            if when is not None:
                wait = max(0.0, when.timestamp() - time.time())
        return min(wait, self.max_wait)

    def _fetch_once(self, url: str, params: dict[str, str]) -> httpx.Response | bytes:
        """One GET, following checked redirects; the body (bounded) or the failing response."""
        for _hop in range(MAX_REDIRECTS + 1):
            pinned, headers, extensions = self._pinned(url)
            HostClock.wait_turn(urlsplit(url).hostname or "", self.delay, self.sleep)
            request = self.http.build_request("GET", pinned, params=params, headers=headers, extensions=extensions)
            response = self.http.send(request, stream=True)
            try:
                if response.is_redirect:
                    location = response.headers.get("Location", "")
                    # Keep the query the server chose, else ours; the target is checked on the next hop.
                    url = urljoin(url, location)
                    if urlsplit(url).query:
                        params = {}
                    continue
                if response.status_code != 200:
                    response.read()
                    return response
                chunks: list[bytes] = []
                size = 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise HarvestError(f"the response is larger than {self.max_bytes} bytes")
                    chunks.append(chunk)
                return b"".join(chunks)
            finally:
                response.close()
        raise HarvestError(f"more than {MAX_REDIRECTS} redirects")

    def fetch(self, url: str, params: dict[str, str]) -> bytes:
        """The body of a successful response, retrying network errors and busy servers."""
        last = ""
        for attempt in range(self.retries + 1):
            response: httpx.Response | None = None
            try:
                result = self._fetch_once(url, params)
            except httpx.TransportError as error:
                last = f"{type(error).__name__}: {error}"
            else:
                if isinstance(result, bytes):
                    return result
                response = result
                last = f"HTTP {response.status_code}"
                if response.status_code not in RETRY_STATUSES:
                    raise HarvestError(f"{url} answered {last}")
            if attempt < self.retries:
                wait = self._retry_wait(attempt, response)
                log.info("%s: %s, trying again in %.1f s", url, last, wait)
                self.sleep(wait)
        raise HarvestError(f"{url} failed {self.retries + 1} times, last: {last}")

    def request(self, url: str, params: dict[str, str]) -> Any:
        """The parsed OAI-PMH response; an OAI <error> raises ProtocolError."""
        root = parse(self.fetch(url, params))
        if root.tag != f"{{{OAI}}}OAI-PMH":
            raise HarvestError(f"the response is not OAI-PMH but {root.tag}")
        error = root.find(f"{{{OAI}}}error")
        if error is not None:
            raise ProtocolError(error.get("code", "unknown"), (error.text or "").strip())
        return root
