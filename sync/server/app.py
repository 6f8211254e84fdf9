"""The HTTP API (FastAPI; OpenAPI at /openapi.json, docs at /docs).

(No `from __future__ import annotations` here: FastAPI reads the endpoints' annotations at run
time, and the dependencies are closures of `create_app`.)

Stateless: every request is authorised from the database (a device token's hash, or a signed
staff token whose account is re-read), so any number of processes can serve behind a load
balancer. The change-feed poll is the hot path: one statement authorises the device, reads the
epoch and tells whether anything is new, so an idle poll costs one index probe per audience.

Every refusal is a JSON `ErrorBody` with a 4xx status: malformed JSON, a schema violation, an
oversized or badly compressed body, an unknown route. A database that is down or overloaded
answers 503 (`transient`): clients retry with backoff.
"""


import logging
import zlib
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

import orjson
from fastapi import Depends, FastAPI, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import DataError, DBAPIError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sync import messages as m
from sync.protocol import (
    EPOCH_HEADER,
    PREFIX,
    AssignmentRequest,
    CaseState,
    CaseSummary,
    CatalogBundle,
    ChangesPage,
    DeviceStatus,
    EnrolRequest,
    EnrolResponse,
    ErrorBody,
    PushRequest,
    PushResponse,
    StaffLoginRequest,
    StaffToken,
    StatusChangeRequest,
)
from sync.server import admin, apply, auth, feed, schema
from sync.server.config import Settings
from sync.server.db import get_meta, make_engine, migrate, reading, writing
from sync.server.ratelimit import RateLimiter

log = logging.getLogger(__name__)


class ApiError(Exception):
    def __init__(self, status: int, error: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.body = ErrorBody(error=error, message=message, **extra)
        self.headers: dict[str, str] = {}
        if self.body.retry_after is not None:
            self.headers["Retry-After"] = str(max(1, round(self.body.retry_after)))


def error_response(status: int, error: str, message: str, **extra: Any) -> JSONResponse:
    exc = ApiError(status, error, message, **extra)
    return JSONResponse(exc.body.model_dump(exclude_none=True), status_code=status, headers=exc.headers)


# --- request bodies: size limit and gzip ---------------------------------------------------------
class BodyLimit:
    """Reads the whole body first (at most `limit` bytes, after gunzipping `Content-Encoding: gzip`),
    so no handler ever sees more, and a bomb or a lie in Content-Length is a 4xx, not a crash."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS", "DELETE"):
            await self.app(scope, receive, send)
            return
        headers = {k.lower(): v for k, v in scope["headers"]}
        too_large = error_response(413, "too_large", m.TOO_LARGE.format(limit=self.limit))
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await too_large(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                await too_large(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        encoding = headers.get(b"content-encoding", b"identity").strip().lower()
        if encoding == b"gzip":
            try:
                inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
                body = inflater.decompress(body, self.limit + 1)
                if len(body) > self.limit or inflater.unconsumed_tail:
                    await too_large(scope, receive, send)
                    return
                if not inflater.eof:
                    raise zlib.error("truncated")
            except zlib.error:
                await error_response(400, "bad_request", m.BAD_REQUEST.format(detail="gzip"))(scope, receive, send)
                return
        elif encoding not in (b"identity", b""):
            await error_response(415, "bad_request", m.BAD_REQUEST.format(detail="Content-Encoding"))(
                scope, receive, send)
            return
        new_headers = [(k, v) for k, v in scope["headers"]
                       if k.lower() not in (b"content-encoding", b"content-length")]
        new_headers.append((b"content-length", str(len(body)).encode()))
        scope = {**scope, "headers": new_headers}
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


class _Request(Request):
    """Request bodies parsed with orjson (a push is ~1 MB of JSON); same errors as `json.loads`
    (orjson's `JSONDecodeError` is a `json.JSONDecodeError`, so a bad body is still a 422)."""

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = orjson.loads(await self.body())
        return self._json


class _Route(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            return await handler(_Request(request.scope, request.receive))

        return route


# --- who is asking ---------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class DeviceCtx:
    id: str
    name: str
    office_code: str
    workstation_code: str
    last_seq: int
    epoch: str

    @property
    def ref(self) -> apply.DeviceRef:
        return apply.DeviceRef(self.id, self.office_code, self.workstation_code, self.name)


@dataclass(frozen=True, slots=True)
class StaffCtx:
    login: str
    role: str
    office_code: str | None


_DEVICE_COLUMNS = ("SELECT d.id, d.name, d.office_code, d.workstation_code, d.last_seq, "
                   "(SELECT value FROM meta WHERE key = 'epoch') AS epoch")
AUTH_SQL = text(f"{_DEVICE_COLUMNS} FROM devices d WHERE d.token_hash = :h AND d.revoked_at IS NULL")
POLL_SQL = {pg: text(f"{_DEVICE_COLUMNS}, {feed.exists_after_sql(pg)} AS has_new "
                     "FROM devices d WHERE d.token_hash = :h AND d.revoked_at IS NULL") for pg in (True, False)}

REF_PATTERN = r"^[0-9A-Za-z._:-]{1,64}$"  # a case id or number
VERSION_PATTERN = r"^[^\x00-\x1f/]{1,64}$"  # a catalog version: any printable text
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody} for code in (400, 401, 403, 404, 409, 413, 422, 429, 503)}


def create_app(settings: Settings | None = None, engine: Engine | None = None, *,
               migrate_schema: bool = False) -> FastAPI:
    settings = settings or Settings.from_env()
    engine = engine or make_engine(settings.database_url, pool_size=settings.pool_size,
                                   statement_timeout_ms=settings.statement_timeout_ms)
    if migrate_schema:
        migrate(engine)
    postgres = engine.dialect.name == "postgresql"
    limiter = RateLimiter(settings.rate_per_second, settings.rate_burst)
    login_limiter = RateLimiter(settings.login_rate_per_second, settings.login_burst)

    app = FastAPI(title="Сервер синхронизации центров «Мои Документы»", version="1",
                  description="Обмен изменениями между рабочими местами и центральным сервером. См. docs/sync.md.")
    app.router.route_class = _Route
    app.state.engine = engine
    app.state.settings = settings
    app.state.fault_hook = None  # tests: called before each new mutation of a push

    # --- errors ----------------------------------------------------------------------------------
    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(exc.body.model_dump(exclude_none=True), status_code=exc.status, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        detail = [{"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", "")),
                   "type": str(e.get("type", ""))} for e in exc.errors()][:20]
        first = detail[0] if detail else {"loc": [], "msg": ""}
        message = m.BAD_REQUEST.format(detail=f"{'.'.join(first['loc'])}: {first['msg']}")
        return error_response(422, "bad_request", message, detail=detail)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        codes = {404: "not_found", 405: "method_not_allowed", 401: "unauthorised", 403: "forbidden"}
        error = codes.get(exc.status_code, "bad_request")
        message = m.NOT_FOUND.format(what="адрес") if exc.status_code == 404 else str(exc.detail)
        return error_response(exc.status_code, error, message)

    @app.exception_handler(OperationalError)
    async def _db_down(_request: Request, exc: OperationalError) -> JSONResponse:
        log.warning("database unavailable: %s", type(exc.orig).__name__)
        return error_response(503, "transient", m.TRANSIENT, retry_after=5.0)

    @app.exception_handler(DataError)
    async def _bad_data(_request: Request, exc: DataError) -> JSONResponse:
        log.warning("data refused by the database: %s", type(exc.orig).__name__)
        return error_response(422, "bad_request", m.BAD_REQUEST.format(detail="значение не подходит"))

    @app.exception_handler(DBAPIError)
    async def _db_error(_request: Request, exc: DBAPIError) -> JSONResponse:
        log.error("database error: %s", type(exc.orig).__name__, exc_info=exc)
        return error_response(503, "transient", m.TRANSIENT, retry_after=5.0)

    @app.exception_handler(Exception)
    async def _bug(_request: Request, exc: Exception) -> JSONResponse:
        log.error("unhandled error", exc_info=exc)
        return error_response(500, "internal", m.INTERNAL)

    # --- authorisation ----------------------------------------------------------------------------
    def token_hash(request: Request) -> str:
        token = auth.bearer(request.headers.get("authorization"))
        if token is None or not token.startswith(auth.TOKEN_PREFIX):
            raise ApiError(401, "unauthorised", m.UNAUTHORISED)
        return auth.sha256_hex(token)

    def admit(device_id: str) -> None:
        wait = limiter.take(device_id)
        if wait:
            raise ApiError(429, "rate_limited", m.RATE_LIMITED.format(seconds=max(1.0, wait)), retry_after=wait)

    def to_device(row: Any) -> DeviceCtx:
        return DeviceCtx(row.id, row.name, row.office_code, row.workstation_code, int(row.last_seq), row.epoch or "")

    def device_auth(request: Request) -> DeviceCtx:
        digest = token_hash(request)
        with reading(engine) as conn:
            row = conn.execute(AUTH_SQL, {"h": digest}).first()
        if row is None:
            raise ApiError(401, "unauthorised", m.UNAUTHORISED)
        admit(row.id)
        return to_device(row)

    def staff_auth(request: Request) -> StaffCtx:
        token = auth.bearer(request.headers.get("authorization"))
        if token is None:
            raise ApiError(401, "unauthorised", m.UNAUTHORISED)
        with reading(engine) as conn:
            secret = get_meta(conn, "staff_secret") or ""
            claims = auth.verify_staff_token(secret, token)
            row = None if claims is None else conn.execute(
                select(schema.staff.c.login, schema.staff.c.role, schema.staff.c.office_code)
                .where(schema.staff.c.login == claims.login, schema.staff.c.active.is_(True))).first()
        if row is None:
            raise ApiError(401, "unauthorised", m.UNAUTHORISED)
        admit("staff:" + row.login)
        return StaffCtx(row.login, row.role, row.office_code)

    def office_scope(staff: StaffCtx, office: str | None) -> str | None:
        """The office a staff member may act on: a supervisor only theirs, an administrator any."""
        if staff.role == "administrator":
            return office
        if staff.role != "supervisor":
            raise ApiError(403, "forbidden", m.FORBIDDEN)
        if office is not None and office != staff.office_code:
            raise ApiError(403, "forbidden", m.FORBIDDEN)
        return staff.office_code

    # --- device endpoints -------------------------------------------------------------------------
    @app.get("/health", tags=["service"])
    async def health() -> dict[str, str]:
        with reading(engine) as conn:
            conn.execute(text("SELECT 1"))
        return {"status": "ok"}

    @app.post(f"{PREFIX}/enrol", response_model=EnrolResponse, tags=["devices"], responses=ERROR_RESPONSES)
    def enrol(body: EnrolRequest, request: Request) -> EnrolResponse:
        client = request.client.host if request.client else "?"
        wait = login_limiter.take("enrol:" + client)
        if wait:
            raise ApiError(429, "rate_limited", m.RATE_LIMITED.format(seconds=max(1.0, wait)), retry_after=wait)
        try:
            return admin.enrol(engine, code=body.code, local_device_id=body.local_device_id, acked_seq=body.acked_seq)
        except admin.AdminError as exc:
            raise ApiError(401, "unauthorised", exc.message) from exc

    @app.get(f"{PREFIX}/status", response_model=DeviceStatus, tags=["devices"], responses=ERROR_RESPONSES)
    async def status(device: Annotated[DeviceCtx, Depends(device_auth)]) -> DeviceStatus:
        return DeviceStatus(epoch=device.epoch, device_id=device.id, name=device.name,
                            office_code=device.office_code, workstation_code=device.workstation_code,
                            last_applied_seq=device.last_seq, server_time=datetime.now(UTC))

    @app.post(f"{PREFIX}/push", response_model=PushResponse, tags=["sync"], responses=ERROR_RESPONSES)
    def push(body: PushRequest, response: Response,
             device: Annotated[DeviceCtx, Depends(device_auth)]) -> PushResponse:
        if len(body.mutations) > settings.max_batch:
            raise ApiError(413, "too_large", m.BAD_REQUEST.format(detail=f"больше {settings.max_batch} изменений"))
        now = datetime.now(UTC)
        try:
            with writing(engine) as conn:
                epoch = get_meta(conn, "epoch") or ""
                result = apply.push(conn, device.ref, body, epoch, now, app.state.fault_hook)
        except apply.SequenceReused as gap:
            raise ApiError(409, "sequence_reused", m.SEQUENCE_REUSED, last_applied_seq=gap.last_applied) from gap
        except apply.SequenceGap as gap:
            raise ApiError(409, "sequence_gap", m.SEQUENCE_GAP.format(expected=gap.last_applied + 1),
                           last_applied_seq=gap.last_applied) from gap
        except apply.BadBatch as exc:
            raise ApiError(422, "bad_request", m.BAD_REQUEST.format(detail=str(exc))) from exc
        response.headers[EPOCH_HEADER] = result.epoch
        return result

    @app.get(f"{PREFIX}/changes", response_model=None, tags=["sync"],
             responses={200: {"model": ChangesPage}, 304: {"description": "Nothing new since the cursor"},
                        **ERROR_RESPONSES})
    async def changes(request: Request, cursor: Annotated[str | None, Query(max_length=200)] = None,
                      limit: Annotated[int | None, Query(ge=1, le=settings.page_max)] = None) -> Response:
        """The changes after `cursor`. Send the last page's cursor in `If-None-Match` (as the ETag
        came) to get 304 when nothing is new. `reset` means: start over from this page."""
        digest = token_hash(request)
        try:
            cursor_epoch, pos = feed.parse_cursor(cursor)
        except feed.BadCursor as exc:
            raise ApiError(400, "bad_cursor", m.BAD_CURSOR) from exc
        size = limit or settings.page_default
        with reading(engine) as conn:
            row = conn.execute(POLL_SQL[postgres], {"h": digest, "x": pos.xid, "i": pos.id}).first()
            if row is None:
                raise ApiError(401, "unauthorised", m.UNAUTHORISED)
            admit(row.id)
            epoch = row.epoch or ""
            reset = cursor_epoch is not None and cursor_epoch != epoch
            if reset:
                pos = feed.START
            rows = [] if not reset and not row.has_new else feed.read_page(
                conn, feed.audiences(row.id, row.office_code), pos, size)
        if rows:
            pos = feed.Position(int(rows[-1].xid), int(rows[-1].id))
        new_cursor = feed.encode_cursor(epoch, pos)
        etag = f'"{new_cursor}"'
        headers = {"ETag": etag, EPOCH_HEADER: epoch, "Cache-Control": "no-store"}
        if not rows and not reset and request.headers.get("if-none-match") == etag:
            return Response(status_code=304, headers=headers)
        body = feed.page_json(epoch, new_cursor, len(rows) >= size, reset, rows)
        return Response(body, media_type="application/json", headers=headers)

    @app.get(f"{PREFIX}/catalogs/{{version}}", response_model=CatalogBundle, tags=["sync"],
             responses=ERROR_RESPONSES)
    async def catalog(version: Annotated[str, Path(pattern=VERSION_PATTERN)],
                      device: Annotated[DeviceCtx, Depends(device_auth)]) -> Response:
        c = schema.catalogs.c
        with reading(engine) as conn:
            row = conn.execute(select(c.version, c.digest, c.sources).where(c.version == version)).first()
        if row is None:
            raise ApiError(404, "not_found", m.NOT_FOUND.format(what=f"каталог {version}"))
        body = f'{{"version":{feed.dumps(row.version)},"digest":{feed.dumps(row.digest)},"sources":{row.sources}}}'
        return Response(body.encode(), media_type="application/json")

    # --- staff endpoints --------------------------------------------------------------------------
    @app.post(f"{PREFIX}/staff/login", response_model=StaffToken, tags=["staff"], responses=ERROR_RESPONSES)
    def staff_login(body: StaffLoginRequest) -> StaffToken:
        wait = login_limiter.take("login:" + body.login)
        if wait:
            raise ApiError(429, "rate_limited", m.RATE_LIMITED.format(seconds=max(1.0, wait)), retry_after=wait)
        s = schema.staff.c
        with reading(engine) as conn:
            row = conn.execute(select(s.login, s.role, s.office_code, s.password_hash)
                               .where(s.login == body.login, s.active.is_(True))).first()
            secret = get_meta(conn, "staff_secret") or ""
        if row is None or not auth.verify_password(row.password_hash, body.password):
            raise ApiError(401, "unauthorised", m.BAD_LOGIN)
        token, expires = auth.issue_staff_token(secret, row.login, settings.staff_token_hours)
        return StaffToken(token=token, login=row.login, role=row.role, office_code=row.office_code,
                          expires_at=expires)

    @app.get(f"{PREFIX}/cases", response_model=list[CaseSummary], tags=["staff"], responses=ERROR_RESPONSES)
    def list_cases(staff: Annotated[StaffCtx, Depends(staff_auth)],
                   office: Annotated[str | None, Query(pattern=r"^\d{4}$")] = None,
                   status: Annotated[str | None, Query(pattern=r"^[a-z_]{1,16}$")] = None,
                   limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> list[dict[str, Any]]:
        """Cases of a centre: a supervisor sees only theirs, an administrator any."""
        scope = office_scope(staff, office)
        return admin.list_cases(engine, office=scope, status=status, limit=limit)

    @app.post(f"{PREFIX}/cases/{{ref}}/status", response_model=CaseState, tags=["staff"],
              responses=ERROR_RESPONSES)
    def set_status(ref: Annotated[str, Path(pattern=REF_PATTERN)], body: StatusChangeRequest,
                   staff: Annotated[StaffCtx, Depends(staff_auth)]) -> CaseState:
        """A status from the back office or an agency system (ready, refused …); lifecycle-checked."""
        scope = office_scope(staff, None)
        try:
            return admin.change_status(engine, ref, body.status, reason=body.reason, actor=staff.login,
                                       office=scope)
        except admin.AdminError as exc:
            raise _admin_error(exc) from exc

    @app.post(f"{PREFIX}/assignments", response_model=CaseState, tags=["staff"], responses=ERROR_RESPONSES)
    def assign(body: AssignmentRequest, staff: Annotated[StaffCtx, Depends(staff_auth)]) -> CaseState:
        """Give a case to a field workstation for a home visit (or take it back)."""
        scope = office_scope(staff, None)
        try:
            return admin.assign(engine, body.case, body.device_id, login=body.login, actor=staff.login,
                                active=body.active, office=scope)
        except admin.AdminError as exc:
            raise _admin_error(exc) from exc

    app.add_middleware(GZipMiddleware, minimum_size=settings.gzip_min_bytes, compresslevel=settings.gzip_level)
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    return app


def _admin_error(exc: admin.AdminError) -> ApiError:
    status = {"not_found": 404, "conflict": 409, "unauthorised": 401}.get(exc.kind, 422)
    return ApiError(status, exc.kind, exc.message)


def app_from_env() -> FastAPI:
    """The factory `uvicorn --factory` and `mfc-server serve` use (migrations run before)."""
    return create_app(Settings.from_env())

