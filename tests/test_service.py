"""The moderators' service (`screener serve`): endpoints, limits, errors, API key, reviews store,
export and the review -> export -> train round trip. Runs the app in process (FastAPI's
TestClient) and, for concurrency and logs, under uvicorn on a loopback port."""

from __future__ import annotations

import csv
import gzip
import io
import json
import logging
import sys
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from conftest import EXAMPLE_ADS, ROOT, running  # noqa: E402
from screener.service.app import create_app  # noqa: E402
from screener.service.export import COLUMNS  # noqa: E402
from screener.service.reviews import text_sha256  # noqa: E402
from screener.service.schemas import MAX_BATCH_TEXTS, MAX_TEXT_CHARS  # noqa: E402

KEY = "s3cret-key"
HOSTILE = {
    "script": "<script>alert(1)</script> Hostess work abroad, we pay your flight.",
    "onerror": '<img src=x onerror=alert(1)> Girls 18-25 wanted, contact only on WhatsApp "quote" &amp;',
    "rtl": "Nanny job abroad \u202eyrotcaf ni krow\u202c, passport kept by the agency.",
    "long": ("<b>bold</b> Kitchen porter wanted in Leeds, 37 hours a week, apply online. " * 1400)[:MAX_TEXT_CHARS],
}


def example_texts() -> list[str]:
    with EXAMPLE_ADS.open(encoding="utf-8") as handle:
        shipped = [row["text"] for row in csv.DictReader(handle)]
    with gzip.open(ROOT / "corpora" / "synthetic-v2" / "test.csv.gz", "rt", encoding="utf-8") as handle:
        synthetic = [row["text"] for _, row in zip(range(40), csv.DictReader(handle))]
    return shipped + synthetic


@pytest.fixture(scope="module")
def client(default_bundle, tmp_path_factory):
    with TestClient(create_app(default_bundle, db_path=tmp_path_factory.mktemp("db") / "reviews.sqlite")) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def keyed(default_bundle, tmp_path_factory):
    with TestClient(create_app(default_bundle, db_path=tmp_path_factory.mktemp("db") / "reviews.sqlite", api_key=KEY)) as test_client:
        yield test_client


def test_healthz_names_the_model(client, default_bundle):
    body = client.get("/healthz").json()
    assert body["status"] == "ok" and body["model"] == default_bundle.name
    assert body["model_sha256"] == default_bundle.manifest["model_sha256"]
    assert body["limits"] == {"max_text_chars": MAX_TEXT_CHARS, "max_batch_texts": MAX_BATCH_TEXTS, "max_body_bytes": 16 * 1024 * 1024}


def test_screen_is_exactly_screen_to_dict(client, screener):
    texts = example_texts()
    for text in texts:
        response = client.post("/v1/screen", json={"text": text})
        assert response.status_code == 200
        assert response.json() == screener.screen(text).to_dict()
    batch = client.post("/v1/screen/batch", json={"texts": texts[:30], "profile": "high_recall"})
    assert batch.json() == [screener.screen(t, profile="high_recall").to_dict() for t in texts[:30]]


def test_limits_answer_413(client):
    assert client.post("/v1/screen", json={"text": "a" * (MAX_TEXT_CHARS + 1)}).status_code == 413
    assert client.post("/v1/screen/batch", json={"texts": ["ad"] * (MAX_BATCH_TEXTS + 1)}).status_code == 413
    over = client.post("/v1/screen/batch", json={"texts": ["ad", "b" * (MAX_TEXT_CHARS + 1)]})
    assert over.status_code == 413 and "texts[1]" in over.json()["detail"]
    assert client.post("/v1/reviews", json={"text": "a" * (MAX_TEXT_CHARS + 1), "decision": "unsure"}).status_code == 413
    huge = client.post("/v1/screen", content=b"x" * (17 * 1024 * 1024), headers={"content-type": "application/json"})
    assert huge.status_code == 413 and "request body" in huge.json()["detail"]
    assert client.post("/v1/screen/batch", json={"texts": []}).json() == []


@pytest.mark.parametrize(
    ("path", "body", "words"),
    [
        ("/v1/screen", b"{not json", "not valid JSON"),
        ("/v1/screen", {"txt": "ad"}, "text: Field required"),
        ("/v1/screen", {"text": 5}, "text: Input should be a valid string"),
        ("/v1/screen", {"text": "ad", "profile": "lenient"}, "profile: Input should be"),
        ("/v1/reviews", {"text": "ad", "decision": "maybe"}, "decision: Input should be 'suspicious', 'not_suspicious' or 'unsure'"),
        ("/v1/reviews", {"text": "ad", "decision": "unsure", "elements": ["MOTIVE"]}, "elements.0"),
        ("/v1/reviews", {"text": "ad", "decision": "unsure", "note": "n" * 2001}, "note: String should have at most 2000 characters"),
    ],
)
def test_bad_requests_answer_422_with_the_field(client, path, body, words):
    response = client.post(path, content=body, headers={"content-type": "application/json"}) if isinstance(body, bytes) else client.post(path, json=body)
    assert response.status_code == 422
    assert words in response.json()["detail"]


def test_api_key_is_required_on_v1_only(keyed):
    assert keyed.post("/v1/screen", json={"text": "ad"}).status_code == 401
    assert keyed.post("/v1/screen", json={"text": "ad"}, headers={"X-API-Key": "wrong"}).status_code == 401
    assert keyed.get("/v1/reviews.csv").status_code == 401
    assert keyed.delete("/v1/reviews/1").status_code == 401
    assert keyed.post("/v1/screen", json={"text": "ad"}, headers={"X-API-Key": KEY}).status_code == 200
    assert keyed.get("/healthz").status_code == 200 and keyed.get("/").status_code == 200


def test_a_review_keeps_the_evidence_and_can_be_deleted(client, screener, default_bundle):
    text = "Girls 18-25 wanted for hostess work abroad. We pay your flight. Contact only on WhatsApp."
    posted = client.post("/v1/reviews", json={"text": text, "decision": "suspicious", "elements": ["ACT", "PURPOSE"], "note": "typical lure", "ad_id": "ad-7"})
    assert posted.status_code == 201
    review = posted.json()
    assert review["risk"] == screener.screen(text).risk and review["text_sha256"] == text_sha256(text)
    assert review["model"] == {"name": default_bundle.name, "version": default_bundle.version, "sha256": default_bundle.manifest["model_sha256"], "bundle_sha256": default_bundle.manifest["manifest_sha256"]}
    assert review["profile"] == "balanced" and review["created_at"].endswith("Z")
    again = client.post("/v1/reviews", json={"text": text, "decision": "unsure", "ad_id": "ad-7"})
    assert again.status_code == 200 and again.json()["id"] == review["id"]
    assert again.json()["created_at"] == review["created_at"] < again.json()["updated_at"]
    record = client.get(f"/v1/reviews/{review['id']}").json()
    assert record["decision"] == "unsure" and record["result"] == screener.screen(text).to_dict()
    assert client.delete(f"/v1/reviews/{review['id']}").status_code == 204
    assert client.get(f"/v1/reviews/{review['id']}").status_code == 404
    assert client.delete(f"/v1/reviews/{review['id']}").status_code == 404
    assert client.get("/v1/reviews/nine").status_code == 422


def test_reviews_are_paged_and_exported_for_training(default_bundle, tmp_path):
    with TestClient(create_app(default_bundle, db_path=tmp_path / "r.sqlite")) as fresh:
        decisions = ["suspicious", "not_suspicious", "unsure"] * 4
        for number, decision in enumerate(decisions):
            fresh.post("/v1/reviews", json={"text": f"Ad number {number}: kitchen porter, Leeds.", "decision": decision, "ad_id": str(number)})
        page = fresh.get("/v1/reviews", params={"limit": 5, "offset": 10}).json()
        assert page["total"] == 12 and [r["ad_id"] for r in page["reviews"]] == ["1", "0"] and "result" not in page["reviews"][0]
        assert fresh.get("/v1/reviews", params={"limit": 0}).status_code == 422
        exported = fresh.get("/v1/reviews.csv")
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert tuple(rows[0]) == COLUMNS and len(rows) == 12
    assert {(r["decision"], r["label"]) for r in rows} == {("suspicious", "1"), ("not_suspicious", "0"), ("unsure", "")}
    assert all(r["ad_type"] in ("job", "dating", "marriage", "other") and r["reviewed_at"] for r in rows)


def test_hostile_texts_come_back_unchanged(client):
    for name, text in HOSTILE.items():
        screened = client.post("/v1/screen", json={"text": text})
        assert screened.status_code == 200, name
        for hit in screened.json()["hits"]:
            assert text[hit["start"] : hit["end"]] == hit["text"]
        review = client.post("/v1/reviews", json={"text": text, "decision": "unsure", "ad_id": f"hostile-{name}"}).json()
        assert client.get(f"/v1/reviews/{review['id']}").json()["text"] == text
    assert client.get("/").headers["content-security-policy"].startswith("default-src 'self'; script-src 'self'")


def test_eight_concurrent_clients_lose_no_review(default_bundle, tmp_path):
    app = create_app(default_bundle, db_path=tmp_path / "r.sqlite")
    posts = 25

    def client_posts(worker: int) -> list[int]:
        with httpx.Client(base_url=url, timeout=60) as http:
            return [
                http.post("/v1/reviews", json={"text": f"Hostess job abroad, ad {worker}-{n}", "decision": "suspicious", "ad_id": f"{worker}-{n}"}).status_code
                for n in range(posts)
            ]

    with running(app) as url:
        with ThreadPoolExecutor(8) as pool:
            codes = [code for codes in pool.map(client_posts, range(8)) for code in codes]
        total = httpx.get(f"{url}/v1/reviews", params={"limit": 1}).json()["total"]
    assert codes == [201] * (8 * posts)
    assert total == 8 * posts


def test_no_ad_text_in_the_logs(default_bundle, tmp_path, caplog):
    secret = "Zanzibarquux hostess vacancy, call Xylophonia"
    caplog.set_level(logging.DEBUG)
    with running(create_app(default_bundle, db_path=tmp_path / "r.sqlite"), log_config=None, log_level="debug") as url:
        httpx.post(f"{url}/v1/screen", json={"text": secret})
        httpx.post(f"{url}/v1/screen/batch", json={"texts": [secret, secret]})
        review = httpx.post(f"{url}/v1/reviews", json={"text": secret, "decision": "suspicious", "note": secret}).json()
        httpx.post(f"{url}/v1/reviews", json={"text": secret, "decision": "maybe"})
        httpx.post(f"{url}/v1/screen", json={"text": secret * 3000})
        httpx.delete(f"{url}/v1/reviews/{review['id']}")
    assert "POST /v1/screen" in caplog.text and "review 1 recorded" in caplog.text  # the logs were captured
    assert "Zanzibarquux" not in caplog.text and "Xylophonia" not in caplog.text


def test_reviews_export_command(cli, default_bundle, tmp_path):
    db = tmp_path / "r.sqlite"
    with TestClient(create_app(default_bundle, db_path=db)) as fresh:
        fresh.post("/v1/reviews", json={"text": "Nanny, two children, Bristol.", "decision": "not_suspicious", "ad_type": "job", "elements": []})
    done = cli("reviews", "export", "--db", db, "-o", tmp_path / "out.csv")
    assert done.exit_code == 0 and "1 reviews" in done.stdout
    row = next(csv.DictReader((tmp_path / "out.csv").open(encoding="utf-8")))
    assert (row["label"], row["ad_type"], row["decision"]) == ("0", "job", "not_suspicious")
    missing = cli("reviews", "export", "--db", tmp_path / "none.sqlite", "-o", tmp_path / "x.csv")
    assert missing.exit_code == 2 and "no reviews database" in missing.stderr


def test_serve_without_the_extra_says_how_to_install_it(cli, monkeypatch):
    monkeypatch.setitem(sys.modules, "uvicorn", None)  # import uvicorn now raises ImportError
    done = cli("serve", "--port", "8799")
    assert done.exit_code == 2 and "pip install 'screener[serve]'" in done.stderr


def test_serve_refuses_an_unset_api_key_variable(cli, monkeypatch):
    monkeypatch.delenv("SCREENER_TEST_KEY", raising=False)
    done = cli("serve", "--api-key-env", "SCREENER_TEST_KEY")
    assert done.exit_code == 2 and "SCREENER_TEST_KEY" in done.stderr


def test_review_export_train_round_trip(cli, client, screener, tmp_path):
    """Moderators' decisions train a model that loads and screens, and its card says so."""
    from screener import load_model, screen

    texts = example_texts()[:24]
    for number, text in enumerate(texts):
        decision = "suspicious" if screener.screen(text).flagged else "not_suspicious"
        client.post("/v1/reviews", json={"text": text, "decision": decision, "ad_id": f"trip-{number}"})
    client.post("/v1/reviews", json={"text": "Not sure about this one: models wanted.", "decision": "unsure", "ad_id": "trip-unsure"})
    export = tmp_path / "reviews.csv"
    export.write_text(client.get("/v1/reviews.csv").text, encoding="utf-8")
    done = cli("train", "--data", export, "--out", tmp_path / "model", "--seed", "1")
    assert done.exit_code == 0, done.output
    manifest = json.loads((tmp_path / "model" / "manifest.json").read_text(encoding="utf-8"))
    reviews = manifest["training_data"]["reviews"]
    assert reviews["unsure_skipped"] >= 1 and reviews["rows"] >= 24
    assert f"Moderators' reviews: {reviews['rows']} of these rows" in (tmp_path / "model" / "MODEL_CARD.md").read_text(encoding="utf-8")
    result = screen(texts[0], model=load_model(tmp_path / "model"))
    assert 0.0 <= result.risk <= 1.0 and result.model.name == "screener-model"
