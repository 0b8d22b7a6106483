"""The :class:`Emulator`: a loopback server speaking the OCR and IAM protocols."""

from __future__ import annotations

import ipaddress
import threading
from collections.abc import Iterable
from typing import Any

from ..arguments import check_number
from ..catalog import endpoint_for, get_api
from ..cloud.redact import check_credential, mask
from ..errors import InputError
from .backend import Backend, LogRecord
from .faults import FaultPlan, Faults
from .server import EmulatorServer

__all__ = ["Emulator"]


class Emulator:
    """A local stand-in for Huawei Cloud OCR, for tests and offline notebooks.

    It serves the IAM token endpoint and every catalogued OCR path on 127.0.0.1, verifies
    ``X-Auth-Token`` and AK/SK signatures (with :mod:`ocrframe.auth`), checks request bodies
    like the service (AIS.0101/0102/0103, ModelArts.4104/4105) and answers with a local engine
    (what :func:`ocrframe.local.answers` accepts: general text, web image, general table, the
    smart document recognizer's text and tables) or with realistic bodies from
    :func:`ocrframe.synth.synthesize`, seeded by the image so the same image gets the same
    answer.

    Parameters
    ----------
    ak, sk, project_id, username, password, domain : str, optional
        Credentials it accepts; the class attributes of the same names are the defaults.
    port : int
        0 picks a free port.
    latency : float
        Seconds added to every OCR answer.
    faults : Faults, optional
        Injected failures (429 with Retry-After, 500/503, slow, dropped, truncated, non-JSON,
        max concurrency).
    engine : optional
        Object with ``call(api, image_bytes, **params) -> Response``, e.g.
        ``ocrframe.local.LocalEngine()``.
    token_ttl : float
        Lifetime in seconds of the IAM tokens it issues (24 h like IAM).
    host : str
        A loopback address: ``"127.0.0.1"``, ``"localhost"`` or ``"::1"`` (IPv6).
    region : str, optional
        Serve as that region's endpoint: operations the catalog deploys elsewhere answer
        ``APIG.0101`` (HTTP 404), as a real regional endpoint does. None: all 52 are deployed.
        IAM tokens are scoped to the project named after the region.
    subscriptions : iterable of str, optional
        The operations subscribed to (names as :func:`ocrframe.catalog.get_api` takes them);
        the others answer ``ModelArts.4204`` (HTTP 403). None: all are subscribed.

    ``general-text`` and ``web-image`` are answered from the image only when ``engine`` is
    set (and for every API ``ApiSpec.local`` marks); otherwise, and for ``general-table``
    and every other operation, the answer is a realistic canned body unrelated to the
    image's content (same image, same body).

    Control routes (``/_emulator/...``) need ``CONTROL_HEADERS`` (a JSON content type and
    ``X-Emulator-Control: 1``) and refuse cross-origin requests, so a web page open in a
    browser cannot change faults or read the log. Signed requests replayed within the
    15 minutes of their ``X-Sdk-Date`` are answered again, as API Gateway does (it keeps no
    nonces); older ones get ``APIG.0301``.

    Examples
    --------
    >>> from ocrframe.cloud.client import Client
    >>> with Emulator() as emu:
    ...     client = Client(endpoint=emu.url, project_id=emu.project_id, ak=emu.ak, sk=emu.sk)
    ...     client.call("passport", url="https://example.com/p.jpg").api
    'passport'
    """

    ak = "EMULATORAK0000000001"
    sk = "emulator-secret-key-0000000000000000001"
    project_id = "0123456789abcdef0123456789abcdef"
    username = "emulator-user"
    password = "emulator-password"
    domain = "emulator-domain"

    def __init__(
        self,
        *,
        ak: str | None = None,
        sk: str | None = None,
        project_id: str | None = None,
        username: str | None = None,
        password: str | None = None,
        domain: str | None = None,
        port: int = 0,
        latency: float = 0.0,
        faults: Faults | dict[str, Any] | None = None,
        engine: Any = None,
        token_ttl: float = 24 * 3600.0,
        host: str = "127.0.0.1",
        region: str | None = None,
        subscriptions: Iterable[str] | None = None,
    ) -> None:
        try:
            loopback = ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = host == "localhost"
        if not loopback:
            raise InputError(f"the emulator only binds loopback addresses, got {host!r}")
        if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
            raise InputError(f"port must be an integer from 0 to 65535 (0: any free), got {port!r}")
        check_number("latency (seconds)", latency, low=0)
        check_number("token_ttl (seconds)", token_ttl, low=0, above=True)
        for name, value in (
            ("ak", ak),
            ("sk", sk),
            ("project_id", project_id),
            ("username", username),
            ("password", password),
            ("domain", domain),
        ):
            if value is not None:
                if check_credential(name, value) == "":
                    raise InputError(f"{name} is empty; leave it out for the default")
                setattr(self, name, value)
        if region is not None:
            endpoint_for(region)  # InputError naming the known regions
        if isinstance(subscriptions, str):
            raise InputError("subscriptions must be a list of API names, not one string")
        subscribed = (
            None if subscriptions is None else frozenset(get_api(n).slug for n in subscriptions)
        )
        self.region, self.subscriptions = region, subscribed
        self.host, self.port, self.latency = host, port, latency
        self.faults = Faults.from_dict(faults) if isinstance(faults, dict) else faults
        self.engine = engine
        self.backend = Backend(
            ak=self.ak,
            sk=self.sk,
            project_id=self.project_id,
            username=self.username,
            password=self.password,
            domain=self.domain,
            token_ttl=token_ttl,
            engine=engine,
            project_name=region or "ap-southeast-1",
            region=region,
            subscriptions=subscribed,
        )
        self._server: EmulatorServer | None = None
        self._thread: threading.Thread | None = None

    def __repr__(self) -> str:
        state = self.url if self._server else "stopped"
        return f"Emulator({state}, ak={mask(self.ak)!r}, project_id={self.project_id!r})"

    # --- lifecycle ---------------------------------------------------------------------------

    def start(self) -> Emulator:
        """Bind and serve in a background thread; returns self."""
        if self._server is None:
            self._server = EmulatorServer(
                (self.host, self.port), self.backend, self.faults, self.latency
            )
            self.port = self._server.server_address[1]
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": 0.05},
                name="ocrframe-emulator",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            if self._thread is not None:
                self._thread.join(timeout=5)
            self._server = self._thread = None

    def serve_forever(self) -> None:
        """Serve in the calling thread (the command line uses this)."""
        self.start()
        assert self._thread is not None
        self._thread.join()

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- addresses and state -----------------------------------------------------------------

    @property
    def url(self) -> str:
        """Base URL of the OCR endpoint, e.g. ``http://127.0.0.1:53124``."""
        if self._server is None:
            raise InputError("the emulator is not running; call start() or use it in a with")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def iam_url(self) -> str:
        """Base URL of the IAM endpoint (the same server)."""
        return self.url

    @property
    def request_log(self) -> list[LogRecord]:
        """Every OCR and token request answered since the last reset, oldest first."""
        return list(self.backend.log)

    def set_faults(self, faults: Faults | dict[str, Any] | None) -> None:
        """Replace the injected faults (None clears them); counters restart."""
        self.faults = Faults.from_dict(faults) if isinstance(faults, dict) else faults
        if self._server is not None:
            self._server.plan = FaultPlan(self.faults)

    def expire_tokens(self) -> None:
        """Expire every token issued so far (clients must fetch new ones)."""
        self.backend.expire_tokens()

    def reset(self) -> None:
        """Clear the request log, tokens, AK lockouts and fault counters."""
        self.backend.reset()
        if self._server is not None:
            self._server.plan = FaultPlan(self._server.plan.faults)
