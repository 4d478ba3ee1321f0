"""The FastAPI app: screening over HTTP, the reviews store and the review page.

Endpoints: ``GET /healthz``; ``POST /v1/screen`` (exactly ``screen(text).to_dict()``), ``POST
/v1/screen/batch``; ``POST /v1/reviews``, ``GET /v1/reviews`` (paged), ``GET /v1/reviews.csv``
(training columns, `screener.service.export`), ``GET /v1/reviews/{id}``, ``DELETE
/v1/reviews/{id}``; the review page at ``/`` with its files under ``/static``; OpenAPI docs at
``/docs``. The model is loaded once, when the app is made; screening and the store run in a
fixed pool of threads and the store in another (its writes wait on the disk), both off the event
loop. Nothing logged holds ad text.
"""

from __future__ import annotations

import asyncio
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path
from typing import Any, Callable, TypeVar

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
import swagger_ui

from screener.bundle import Bundle
from screener.screening import Screener, load_model
from screener.service.export import csv_chunks
from screener.service.guards import BodyLimit, SecurityHeaders, api_key_check
from screener.service.reviews import ReviewStore
from screener.service.schemas import MAX_BATCH_TEXTS, MAX_BODY_BYTES, MAX_PAGE, MAX_TEXT_CHARS, BatchRequest, ReviewRequest, ScreenRequest

__all__ = ["create_app", "DEFAULT_THREADS"]

#: Screening threads of one server process: the work holds the GIL, so more only add switching
#: (8 loopback clients, 2 processes: p99 31.6 ms with 1 thread each, 53.3 ms with 2).
DEFAULT_THREADS = 1
#: Threads that reach the reviews store (mostly waiting for the disk to sync a commit).
STORE_THREADS = 4
STATIC = Path(__file__).resolve().parent / "static"
#: Swagger UI 5 (reads OpenAPI 3.1), from the swagger-ui-py package's own files.
SWAGGER = Path(swagger_ui.__file__).resolve().parent / "static"
log = logging.getLogger("screener.service")
T = TypeVar("T")


def _check_length(text: str, where: str = "text") -> None:
    if len(text) > MAX_TEXT_CHARS:
        raise HTTPException(413, f"{where} has {len(text):,} characters; the limit is {MAX_TEXT_CHARS:,}: send the start of the ad, or split it")


def _validation_message(error: RequestValidationError) -> dict[str, Any]:
    """A 422 body that says which field is wrong and why, without echoing the input."""
    problems = [
        {"field": "body", "problem": f"not valid JSON ({e.get('ctx', {}).get('error', 'cannot be parsed')})"}
        if e["type"] == "json_invalid"
        else {"field": ".".join(str(part) for part in e["loc"][1:]) or "body", "problem": e["msg"]}
        for e in error.errors()
    ]
    sentence = "; ".join(f"{p['field']}: {p['problem']}" for p in problems)
    return {"detail": f"invalid request: {sentence}", "errors": problems}


def create_app(
    model: str | Path | Bundle | None = None,
    profile: str = "balanced",
    db_path: str | Path = "reviews.sqlite",
    api_key: str | None = None,
    threads: int = DEFAULT_THREADS,
) -> FastAPI:
    """Make the service's app; loads the model and opens (or creates) the reviews database.

    Parameters
    ----------
    model : str, Path or Bundle, optional
        A bundle folder or a loaded bundle; ``$SCREENER_MODEL`` or the shipped model when omitted.
    profile : str
        The threshold profile used when a request names none.
    db_path : str or Path
        The SQLite file of reviews.
    api_key : str, optional
        When given, every ``/v1`` call needs the header ``X-API-Key`` with this value.
    threads : int
        Threads that screen and reach the store (the fixed budget of this process).

    Raises
    ------
    screener.errors.BundleError
        If the model cannot be loaded.
    screener.errors.InputError
        If `db_path` cannot hold reviews.
    ValueError
        If `profile` is unknown or `threads` < 1.
    """
    if threads < 1:
        raise ValueError(f"threads must be 1 or more, got {threads}")
    bundle = model if isinstance(model, Bundle) else load_model(model)
    screener = Screener(bundle, profile)
    store = ReviewStore(db_path)
    pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="screener")
    store_pool = ThreadPoolExecutor(max_workers=STORE_THREADS, thread_name_prefix="screener-store")
    model_info = {
        "name": bundle.name,
        "version": bundle.version,
        "sha256": bundle.manifest.get("model_sha256", ""),
        "bundle_sha256": bundle.manifest.get("manifest_sha256", ""),
    }

    async def run(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(pool, partial(function, *args, **kwargs))

    async def run_store(function: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(store_pool, partial(function, *args))

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        await run(screener.screen, "warm up")  # the first call builds caches: not on a caller's time
        yield
        pool.shutdown(wait=True)
        store_pool.shutdown(wait=True)

    app = FastAPI(
        title="screener",
        summary="Screen ads for indicators of trafficking recruitment and record moderators' reviews. "
        "A flag is a suspicion for a person to review, never a verdict.",
        lifespan=lifespan,
        docs_url=None,  # served below from local files: FastAPI's own /docs loads Swagger UI from a CDN
        redoc_url=None,
    )
    app.add_middleware(BodyLimit, limit=MAX_BODY_BYTES)
    app.add_middleware(SecurityHeaders)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError) -> JSONResponse:
        return JSONResponse(_validation_message(error), status_code=422)

    @app.exception_handler(Exception)
    async def internal(request: Request, error: Exception) -> JSONResponse:
        log.error("internal error on %s %s: %s", request.method, request.url.path, type(error).__name__)  # no message: it may quote the ad
        return JSONResponse({"detail": "internal error; the server log names its type"}, status_code=500)

    @app.get("/healthz", tags=["service"])
    def healthz() -> dict[str, Any]:
        """The service is up: the model it screens with and its limits."""
        return {
            "status": "ok",
            "model": model_info["name"],
            "model_version": model_info["version"],
            "model_sha256": model_info["sha256"],
            "bundle_sha256": model_info["bundle_sha256"],
            "profile": profile,
            "limits": {"max_text_chars": MAX_TEXT_CHARS, "max_batch_texts": MAX_BATCH_TEXTS, "max_body_bytes": MAX_BODY_BYTES},
        }

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")

    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response(status_code=204)  # no icon: an empty answer instead of a 404 in every browser console

    @app.get("/docs", include_in_schema=False)
    def docs() -> FileResponse:
        return FileResponse(STATIC / "docs.html", media_type="text/html; charset=utf-8")

    app.mount("/swagger", StaticFiles(directory=SWAGGER), name="swagger")

    v1 = APIRouter(prefix="/v1", dependencies=[Depends(api_key_check(api_key))])

    def screen_dict(text: str, profile: str | None) -> dict[str, Any]:
        return screener.screen(text, profile=profile).to_dict()

    @v1.post("/screen", tags=["screening"])
    async def screen(request: ScreenRequest) -> JSONResponse:
        """Screen one ad: exactly ``screen(text).to_dict()`` (risk, evidence, summary)."""
        _check_length(request.text)
        return JSONResponse(await run(screen_dict, request.text, request.profile))

    @v1.post("/screen/batch", tags=["screening"])
    async def screen_batch(request: BatchRequest) -> JSONResponse:
        """Screen several ads: a list of results in input order."""
        if len(request.texts) > MAX_BATCH_TEXTS:
            raise HTTPException(413, f"{len(request.texts)} texts in one batch; the limit is {MAX_BATCH_TEXTS}: split the batch")
        for number, text in enumerate(request.texts):
            _check_length(text, f"texts[{number}]")
        results = await run(screener.screen_batch, request.texts, profile=request.profile) if request.texts else []
        return JSONResponse([result.to_dict() for result in results])

    def record(request: ReviewRequest, result: dict[str, Any], used: str) -> tuple[dict[str, Any], bool]:
        review, new = store.save(
            request.text, request.decision, result, model_info, used, tuple(dict.fromkeys(request.elements or ())),
            request.ad_type or "", request.note or "", request.ad_id or "",
        )  # fmt: skip
        log.info("review %d %s: %s", review.id, "recorded" if new else "updated", review.decision)
        return review.to_dict(), new

    @v1.post("/reviews", tags=["reviews"], status_code=201)
    async def add_review(request: ReviewRequest) -> JSONResponse:
        """Record a decision on an ad (201; 200 when it updates the review of the same ad_id and
        text). The service screens the ad again and keeps the result with the review."""
        _check_length(request.text)
        used = request.profile or profile
        result = await run(screen_dict, request.text, used)
        review, new = await run_store(record, request, result, used)
        return JSONResponse(review, status_code=201 if new else 200)

    @v1.get("/reviews", tags=["reviews"])
    async def list_reviews(limit: int = Query(50, ge=1, le=MAX_PAGE), offset: int = Query(0, ge=0)) -> JSONResponse:
        """Reviews, newest first, without their result dicts (``GET /v1/reviews/{id}`` has it)."""
        total, reviews = await run_store(lambda: (store.count(), store.page(limit, offset)))
        return JSONResponse({"total": total, "limit": limit, "offset": offset, "reviews": [r.to_dict(with_result=False) for r in reviews]})

    @v1.get("/reviews.csv", tags=["reviews"], response_class=StreamingResponse)
    def export_reviews() -> StreamingResponse:
        """Every review as the CSV that ``screener train --data`` reads."""
        stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
        headers = {"Content-Disposition": f'attachment; filename="reviews-{stamp}.csv"'}
        return StreamingResponse(csv_chunks(iter(store)), media_type="text/csv; charset=utf-8", headers=headers)

    @v1.get("/reviews/{review_id}", tags=["reviews"])
    async def get_review(review_id: int) -> JSONResponse:
        """One review as a record: the ad, its sha256, the full result, the model and the times."""
        review = await run_store(store.get, review_id)
        if review is None:
            raise HTTPException(404, f"no review {review_id}")
        return JSONResponse(review.to_dict())

    @v1.delete("/reviews/{review_id}", tags=["reviews"], status_code=204)
    async def delete_review(review_id: int) -> Response:
        """Delete a review and its ad text (for data-protection requests)."""
        if not await run_store(store.delete, review_id):
            raise HTTPException(404, f"no review {review_id}")
        log.info("review %d deleted", review_id)
        return Response(status_code=204)

    app.include_router(v1)
    return app
