"""Tampered, altered or foreign bundles are refused before the model is read; reading it runs no code."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from screener.bundle import BundleError, load_bundle, verify_bundle
from screener.errors import ScreenerError
from screener.screening import DEFAULT_MODEL, load_model


@pytest.fixture()
def bundle(tmp_path):
    copy = tmp_path / "bundle"
    shutil.copytree(DEFAULT_MODEL, copy)
    return copy


@pytest.fixture()
def no_unpickling(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("read the model of a bundle that should have been refused")

    monkeypatch.setattr(np, "load", refuse)


def edit_manifest(bundle, change) -> None:
    path = bundle / "manifest.json"
    manifest = json.loads(path.read_text())
    change(manifest)
    path.write_text(json.dumps(manifest, indent=2, sort_keys=True))


def test_the_shipped_bundle_verifies():
    manifest = verify_bundle(DEFAULT_MODEL)
    assert load_model(expected_sha256=manifest["manifest_sha256"]).manifest == manifest


@pytest.mark.parametrize("name", ["model.npz", "model.json"])
def test_an_altered_model_file_is_refused(bundle, no_unpickling, name):
    with (bundle / name).open("r+b") as handle:
        handle.seek(200)
        byte = handle.read(1)
        handle.seek(200)
        handle.write(bytes([byte[0] ^ 1]))
    with pytest.raises(ScreenerError, match="does not match its manifest"):
        load_bundle(bundle)


def test_a_pickled_array_is_never_unpickled_even_with_matching_digests(bundle):
    import hashlib

    from screener.bundle import manifest_digest

    np.savez(bundle / "model.npz", coef=np.array([object()], dtype=object))  # loading it would need pickle
    edit_manifest(bundle, lambda m: m.update(model_sha256=hashlib.sha256((bundle / "model.npz").read_bytes()).hexdigest()))
    edit_manifest(bundle, lambda m: m.update(manifest_sha256=manifest_digest(m)))
    with pytest.raises(BundleError, match="does not hold a screening model"):
        load_bundle(bundle)


def test_a_bundle_of_the_pickle_format_is_refused_with_advice(bundle, no_unpickling):
    (bundle / "model.npz").rename(bundle / "model.joblib")
    with pytest.raises(BundleError, match="older format .a pickle.*retrain"):
        load_bundle(bundle)


@pytest.mark.parametrize(
    "change",
    [
        lambda m: m["thresholds"].update(balanced=0.99),
        lambda m: m.update(model_sha256="0" * 64),
        lambda m: m.pop("libraries"),
        lambda m: m.update(name="someone else's model"),
    ],
    ids=["threshold", "model hash", "removed key", "name"],
)
def test_an_altered_manifest_is_refused(bundle, no_unpickling, change):
    edit_manifest(bundle, change)
    with pytest.raises(BundleError, match="manifest was altered"):
        load_bundle(bundle)


def test_an_unknown_format_version_is_refused(bundle, no_unpickling):
    edit_manifest(bundle, lambda m: m.update(format_version="screener-bundle/99"))
    with pytest.raises(BundleError, match="unknown bundle format 'screener-bundle/99'"):
        load_bundle(bundle)


def test_a_bundle_other_than_the_pinned_one_is_refused(bundle, no_unpickling):
    with pytest.raises(BundleError, match="not the expected bundle"):
        load_bundle(bundle, expected_sha256="ab" * 32)


def test_a_damaged_or_missing_manifest_is_refused(bundle, no_unpickling, tmp_path):
    (bundle / "manifest.json").write_text("{not json")
    with pytest.raises(BundleError, match="not valid JSON"):
        load_bundle(bundle)
    (bundle / "manifest.json").unlink()
    with pytest.raises(BundleError, match="needs model.npz, model.json, manifest.json"):
        load_bundle(bundle)
    with pytest.raises(BundleError, match="no model bundle"):
        load_bundle(tmp_path / "nowhere")
