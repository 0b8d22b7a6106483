"""The cloud client: one ``call`` path for all 52 operations, named methods for the 16 APIs.

>>> from ocrframe.emulator import Emulator
>>> with Emulator() as emu, Client(endpoint=emu.url, project_id=emu.project_id,
...                                ak=emu.ak, sk=emu.sk) as client:
...     resp = client.general_text(url="https://example.com/receipt.jpg")
>>> resp.api
'general-text'
"""

from __future__ import annotations

import inspect
import json
import os
import time
from typing import Any

import requests
from requests.adapters import HTTPAdapter

from ..arguments import check_flag, check_number
from ..catalog import APIS, ApiSpec, endpoint_for, get_api
from ..catalog.methods import method_parameters
from ..datasets.runs import RunsBatches
from ..errors import InputError
from ..inputs.images import prepare
from ..inputs.params import check_params, show_value
from ..inputs.urls import url_secrets
from ..response import Response
from .auth import AkSkAuth, TokenAuth
from .redact import check_credential, check_endpoint
from .transport import RetryPolicy, send

__all__ = ["Client"]

_USER_AGENT = "ocrframe/0.1"
# Keywords of Client.call that are not request parameters of the API.
_CALL_OPTIONS = ("auto_downscale", "retries", "enterprise_project_id")
_PY_TYPES = {
    "boolean": "bool",
    "integer": "int",
    "number": "float",
    "string": "str",
    "array": "list of str",
    "object": "dict",
}


MAX_TIMEOUT = 24 * 3600  # seconds; requests cannot wait longer than the platform's clock allows


def _check_timeout(timeout: Any) -> float | tuple[float, float]:
    values = timeout if isinstance(timeout, tuple) and len(timeout) == 2 else (timeout,)
    try:
        for v in values:
            check_number("timeout", v, low=0, high=MAX_TIMEOUT, above=True)
    except InputError:
        raise InputError(
            f"timeout must be seconds in (0, {MAX_TIMEOUT:,}] or a (connect, read) pair of them, "
            f"e.g. (5, 60); got {show_value(timeout)}"
        ) from None
    return timeout


def _check_header_value(name: str, value: Any) -> str | None:
    """A value sent as an HTTP header: a non-empty string without spaces or control chars."""
    if value is None:
        return None
    if not isinstance(value, str) or not value or not value.isprintable() or " " in value:
        raise InputError(
            f"{name} must be a non-empty string without spaces or line breaks, got "
            f"{type(value).__name__} of length {len(value) if isinstance(value, str) else '?'}"
        )
    return value


class Client(RunsBatches):
    """Call Huawei Cloud OCR with AK/SK or IAM token auth, retries and input checks.

    Parameters
    ----------
    region : str, optional
        Region code such as ``"ap-southeast-1"``; picks the endpoint and is checked against
        where each API is deployed. Optional when ``endpoint=`` is given.
    project_id : str
        The project ID of that region (console: My Credentials > API Credentials).
    ak, sk : str, optional
        Access key pair for AK/SK signing.
    username, password, domain : str, optional
        IAM user, password and account name for token auth (token fetched and cached 24 h).
    token : str, optional
        A ready IAM token (cannot be refreshed).
    endpoint : str, optional
        Base URL overriding the region's endpoint, e.g. an :class:`ocrframe.emulator.Emulator`.
        Skips the region check.
    iam_endpoint : str, optional
        IAM base URL; ``https://iam.<region>.myhuaweicloud.com`` by default.
    timeout : float or (connect, read)
        Seconds; ``(5, 60)`` by default.
    retries : int or RetryPolicy
        Retries for throttling and transient failures (see :mod:`ocrframe.transport`).
    session : requests.Session, optional
        Use this session (and leave closing it to the caller).
    security_token : str, optional
        For temporary AK/SK credentials.
    auto_downscale : bool
        Shrink images over the size or pixel limits instead of raising.
    enterprise_project_id : str, optional
        Sent as the ``Enterprise-Project-Id`` header (billing attribution) on every call;
        ``call(..., enterprise_project_id=...)`` overrides it per call.

    Examples
    --------
    >>> client = Client(region="ap-southeast-1", project_id="0123", ak="AK...", sk="SK...")
    >>> client.general_text("receipt.jpg", detect_direction=True)  # doctest: +SKIP
    Response(api='general-text', source='receipt.jpg', request_id='...')
    """

    def __init__(
        self,
        *,
        region: str | None = None,
        project_id: str | None = None,
        ak: str | None = None,
        sk: str | None = None,
        username: str | None = None,
        password: str | None = None,
        domain: str | None = None,
        token: str | None = None,
        endpoint: str | None = None,
        iam_endpoint: str | None = None,
        timeout: float | tuple[float, float] = (5.0, 60.0),
        retries: int | RetryPolicy = 4,
        session: requests.Session | None = None,
        security_token: str | None = None,
        auto_downscale: bool = False,
        enterprise_project_id: str | None = None,
    ) -> None:
        texts = {"project_id": project_id, "region": region, "ak": ak, "sk": sk,
                 "username": username, "password": password, "domain": domain, "token": token,
                 "security_token": security_token}  # fmt: skip
        for name, value in texts.items():
            check_credential(name, value)  # a str or None; never repeats the value
        check_flag("auto_downscale", auto_downscale)
        if not project_id:
            raise InputError(
                "project_id is required (console: My Credentials > API Credentials, the ID of "
                "the region's project), or use Client.from_env() with HUAWEICLOUD_SDK_PROJECT_ID"
            )
        if endpoint is None:
            if not region:
                raise InputError(
                    "pass region= (e.g. 'ap-southeast-1') or endpoint= for a custom endpoint"
                )
            endpoint = endpoint_for(region)
        else:
            endpoint = check_endpoint("endpoint", endpoint)
        self.region = region
        self.project_id = project_id
        self.endpoint = endpoint.rstrip("/")
        self._check_region = region is not None and not self._custom(endpoint)
        self.timeout = _check_timeout(timeout)
        self.retries = RetryPolicy.from_value(retries)
        self.auto_downscale = auto_downscale
        self.enterprise_project_id = _check_header_value(
            "enterprise_project_id", enterprise_project_id
        )
        self._own_session = session is None
        self.session = session if session is not None else self._new_session()
        self.auth = self._build_auth(
            ak, sk, username, password, domain, token, iam_endpoint, security_token
        )
        self._closed = False

    def _custom(self, endpoint: str) -> bool:
        return self.region is None or endpoint.rstrip("/") != endpoint_for(self.region)

    @staticmethod
    def _new_session() -> requests.Session:
        session = requests.Session()
        adapter = HTTPAdapter(pool_connections=4, pool_maxsize=32, max_retries=0)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        session.headers["User-Agent"] = _USER_AGENT
        return session

    def _build_auth(self, ak, sk, username, password, domain, token, iam_endpoint, sec_token):
        modes = [
            name
            for name, given in (
                ("ak/sk", ak or sk),
                ("username/password", username or password),
                ("token", token),
            )
            if given
        ]
        if len(modes) > 1:
            raise InputError(f"choose one way to authenticate, got {' and '.join(modes)}")
        if not modes:
            raise InputError(
                "no credentials: pass ak= and sk=, or username=, password= and domain=, or "
                "token=; or use Client.from_env() with HUAWEICLOUD_SDK_AK / HUAWEICLOUD_SDK_SK"
            )
        if modes == ["ak/sk"]:
            if not (ak and sk):
                raise InputError("AK/SK auth needs both ak= and sk=")
            return AkSkAuth(ak, sk, project_id=self.project_id, security_token=sec_token)
        if modes == ["token"]:
            return TokenAuth(token=token)
        if iam_endpoint is None:
            if not self.region:
                raise InputError("token auth with a custom endpoint needs iam_endpoint= or region=")
            iam_endpoint = f"https://iam.{self.region}.myhuaweicloud.com"
        return TokenAuth(
            username=username,
            password=password,
            domain=domain,
            iam_endpoint=iam_endpoint,
            project_id=self.project_id,
            project_name=self.region,
            session=self.session,
            timeout=self.timeout,
        )

    @classmethod
    def from_env(cls, **overrides: Any) -> Client:
        """Build a client from environment variables; keyword arguments take precedence.

        Reads ``HUAWEICLOUD_SDK_AK``, ``HUAWEICLOUD_SDK_SK``, ``HUAWEICLOUD_SDK_PROJECT_ID``,
        ``HUAWEICLOUD_SDK_SECURITY_TOKEN``, ``HUAWEICLOUD_SDK_REGION`` (or ``OCR_REGION``) and
        ``OCR_ENDPOINT``.

        >>> Client.from_env(endpoint="http://127.0.0.1:8080")  # doctest: +SKIP
        """
        env = os.environ
        values: dict[str, Any] = {
            "ak": env.get("HUAWEICLOUD_SDK_AK"),
            "sk": env.get("HUAWEICLOUD_SDK_SK"),
            "project_id": env.get("HUAWEICLOUD_SDK_PROJECT_ID"),
            "security_token": env.get("HUAWEICLOUD_SDK_SECURITY_TOKEN"),
            "region": env.get("HUAWEICLOUD_SDK_REGION") or env.get("OCR_REGION"),
            "endpoint": env.get("OCR_ENDPOINT"),
        }
        if any(k in overrides for k in ("username", "password", "domain", "token")):
            values.pop("ak"), values.pop("sk")
        values.update(overrides)
        missing = [
            var
            for key, var in (
                ("project_id", "HUAWEICLOUD_SDK_PROJECT_ID"),
                ("region", "HUAWEICLOUD_SDK_REGION or OCR_REGION"),
            )
            if not values.get(key) and not (key == "region" and values.get("endpoint"))
        ]
        if not any(values.get(k) for k in ("ak", "sk", "username", "token")):
            missing.insert(0, "HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK")
        elif "ak" in values and bool(values.get("ak")) != bool(values.get("sk")):
            # One half of the key pair: name the variable, not the keyword argument.
            missing.insert(0, "HUAWEICLOUD_SDK_SK" if values.get("ak") else "HUAWEICLOUD_SDK_AK")
        if missing:
            raise InputError(f"Client.from_env(): set {', '.join(missing)} (or pass them)")
        return cls(**{k: v for k, v in values.items() if v is not None})

    # --- lifecycle ---------------------------------------------------------------------------

    def run(self, api: str, inputs: Any, **options: Any) -> Any:
        self._check_open()
        return super().run(api, inputs, **options)

    run.__doc__ = RunsBatches.run.__doc__

    def close(self) -> None:
        """Release the connection pool (when the client created its session). ``with Client(...)
        as client:`` closes it at the end of the block.

        >>> client = Client(endpoint="http://127.0.0.1:9", project_id="p", ak="a", sk="s")
        >>> client.close()
        >>> client.call("general-text", b"...")
        Traceback (most recent call last):
        ...
        ocrframe.errors.InputError: this Client is closed; create a new one
        """
        if self._own_session and not self._closed:
            self.session.close()
        self._closed = True

    def _check_open(self) -> None:
        if self._closed:
            raise InputError("this Client is closed; create a new one")

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        where = f"region={self.region!r}, " if self.region else ""
        return (
            f"Client({where}project_id={self.project_id!r}, endpoint={self.endpoint!r}, "
            f"auth={self.auth!r})"
        )

    # --- calling -----------------------------------------------------------------------------

    def check_params(self, api: str | ApiSpec, params: dict[str, Any]) -> str:
        """Check an API name and its request parameters as :meth:`call` does, without an
        input; return the slug. ``run`` calls it before the first item.

        >>> Client(endpoint="http://127.0.0.1:9", project_id="p", ak="a", sk="s").check_params(
        ...     "general-text", {"detect_direction": True})
        'general-text'
        """
        spec = get_api(api)
        check_params(spec, {k: v for k, v in params.items() if k not in _CALL_OPTIONS})
        return spec.slug

    def url_for(self, api: str | ApiSpec) -> str:
        """Full URL of an operation, e.g. ``.../v2/<project_id>/ocr/general-text``.

        >>> Client(region="ap-southeast-2", project_id="p", ak="a", sk="s").url_for("general_text")
        'https://ocr.ap-southeast-2.myhuaweicloud.com/v2/p/ocr/general-text'
        """
        return self.endpoint + get_api(api).path.format(project_id=self.project_id)

    def call(
        self,
        api: str | ApiSpec,
        image: Any = None,
        *,
        url: str | None = None,
        page: int | None = None,
        auto_downscale: bool | None = None,
        retries: int | RetryPolicy | None = None,
        enterprise_project_id: str | None = None,
        **params: Any,
    ) -> Response:
        """Call any of the 52 operations and return its :class:`~ocrframe.Response`.

        Parameters
        ----------
        api : str or ApiSpec
            Slug, method or display name: ``"general-text"``, ``"general_text"``.
        image : path, bytes, file object, PIL image, numpy array, optional
            The image or PDF (see :func:`ocrframe.inputs.prepare`).
        url : str, optional
            Image URL instead of ``image``.
        page : int, optional
            1-based page of a PDF or a multi-page TIFF.
        auto_downscale : bool, optional
            Override the client's setting for this call.
        retries : int or RetryPolicy, optional
            Override the client's retry policy for this call (the batch runner passes 0 and
            runs the retries itself, under the same policy).
        enterprise_project_id : str, optional
            ``Enterprise-Project-Id`` header for this call (default: the client's).
        **params
            Request parameters of the API (validated for the 16 documented APIs).

        Raises
        ------
        InputError
            Bad input or an API not deployed in the client's region; nothing was sent.
        ApiError
            The service answered with an error (after retries where they make sense).

        Examples
        --------
        >>> client.call("general-text", "receipt.jpg", detect_direction=True)  # doctest: +SKIP
        """
        self._check_open()
        spec = get_api(api)
        if self._check_region and spec.regions and self.region not in spec.regions:
            raise InputError(
                f"{spec.name} ({spec.slug}) is not deployed in {self.region}; it is available "
                f"in {', '.join(spec.regions)}. Create Client(region={spec.regions[0]!r}, ...) "
                "with that region's project_id"
            )
        downscale = self.auto_downscale if auto_downscale is None else auto_downscale
        project = _check_header_value("enterprise_project_id", enterprise_project_id)
        project = project or self.enterprise_project_id
        headers = {"Enterprise-Project-Id": project} if project else None
        prepared = prepare(spec, image, url=url, page=page, auto_downscale=downscale, **params)
        body = json.dumps(prepared.body).encode("utf-8")
        start = time.perf_counter()
        raw, resp, attempts = send(
            self.session,
            self.url_for(spec),
            body,
            api=spec.slug,
            auth=self.auth,
            timeout=self.timeout,
            policy=self.retries if retries is None else RetryPolicy.from_value(retries),
            headers=headers,
            secrets=url_secrets(prepared.body["url"]) if "url" in prepared.body else (),
        )
        meta: dict[str, Any] = {
            "attempts": attempts,
            "elapsed": round(time.perf_counter() - start, 4),
        }
        if prepared.notes:
            meta["notes"] = list(prepared.notes)
        return Response(
            raw,
            api=spec.slug,
            source=prepared.source,
            request_id=resp.headers.get("X-Request-Id"),
            status=resp.status_code,
            page=prepared.page,
            meta=meta,
        )


# --- named methods, generated from the catalog ------------------------------------------------


def _param_doc(spec: ApiSpec) -> str:
    lines = []
    if spec.image_field is not None:
        lines += [
            "image : path, bytes, file object, PIL image or numpy array, optional",
            "    The image"
            + (" or PDF." if spec.accepts_pdf else ".")
            + f" Formats: {', '.join(spec.formats)}.",
            "url : str, optional",
            "    Image URL instead of ``image``.",
            "page : int, optional",
            "    1-based page of a PDF or a multi-page TIFF.",
            "auto_downscale : bool, optional",
            "    Shrink an image over the size or pixel limits instead of raising (default: the",
            "    client's setting).",
        ]
    for p in spec.params:
        default = "" if p.default is None else f", default {p.default!r}"
        lines.append(f"{p.name} : {_PY_TYPES.get(p.type, p.type)}, optional")
        text = p.doc or "See the API reference."
        if p.choices:
            text += f" One of {', '.join(repr(c) for c in p.choices)}."
        lines.append(f"    {text} (service{default or ' default'})")
    if not spec.documented:
        lines += ["**params", "    Further request parameters, passed through unchecked."]
    return "\n".join(lines)


def _make_method(spec: ApiSpec):
    def method(self: Client, *args: Any, **kwargs: Any) -> Response:
        # Names the signature does not list go on to ``call``, whose parameter check says
        # which ones the API takes (a bare TypeError from ``bind`` would not).
        known = method.__signature__.parameters
        unknown = {k: kwargs.pop(k) for k in list(kwargs) if k not in known}
        bound = method.__signature__.bind(self, *args, **kwargs)
        arguments = dict(bound.arguments)
        arguments.pop("self")
        extra = {**arguments.pop("params", {}), **unknown}
        if spec.image_field is None:
            return self.call(spec.slug, **arguments, **extra)
        image = arguments.pop("image", None)
        return self.call(spec.slug, image, **arguments, **extra)

    params = method_parameters(spec)
    method.__signature__ = inspect.Signature(params, return_annotation="Response")
    method.__name__ = method.__qualname__ = spec.method
    method.__qualname__ = f"Client.{spec.method}"
    example_arg = "'document.png'" if spec.image_field else ""
    head = f"{spec.name}: call ``{spec.slug}`` and return a Response."
    if spec.deprecated:
        head += " Deprecated by the service."
    if spec.regions:
        head += f"\n\nDeployed in: {', '.join(spec.regions)}."
    method.__doc__ = (
        f"{head}\n\nParameters\n----------\n{_param_doc(spec)}\n\nReturns\n-------\nResponse\n\n"
        f"Examples\n--------\n>>> client.{spec.method}({example_arg})  # doctest: +SKIP\n"
    )
    return method


def _install_methods() -> None:
    for spec in APIS.values():
        if hasattr(Client, spec.method):
            raise RuntimeError(f"catalog method {spec.method!r} clashes with a Client attribute")
        setattr(Client, spec.method, _make_method(spec))


_install_methods()
