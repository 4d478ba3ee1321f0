"""Format-2 bundles (a joblib pickle) are upgraded to format 3 with the same model, only when trusted."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from screener.bundle import file_sha256, load_bundle, manifest_digest
from screener.cli import app
from screener.errors import BundleError
from screener.legacy import upgrade_bundle

DEV = Path(__file__).parent.parent / "corpora" / "synthetic-v2" / "dev.csv.gz"


def write_format2(folder: Path, payload: bytes | None = None, model=None) -> Path:
    """A format-2 bundle as screener wrote them: model.joblib, manifest.json with digests, MODEL_CARD.md."""
    folder.mkdir(parents=True)
    if model is not None:
        import joblib

        joblib.dump(model, folder / "model.joblib", compress=3)
    else:
        (folder / "model.joblib").write_bytes(payload)
    manifest = {"format_version": "screener-bundle/2", "name": "tiny", "version": "1", "libraries": {}, "model_sha256": file_sha256(folder / "model.joblib")}
    manifest["manifest_sha256"] = manifest_digest(manifest)
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    (folder / "MODEL_CARD.md").write_text("# tiny\n")
    return folder


@pytest.fixture(scope="module")
def old_bundle(tmp_path_factory):
    """A tiny format-2 bundle (the pickled ScreeningModel held its fitted Pipeline and heads), its pipeline and texts."""
    pytest.importorskip("joblib", reason="joblib (the 'legacy' extra) is not installed")
    from sklearn.linear_model import LogisticRegression

    from screener.model import make_pipeline
    from screener.scorer import ScreeningModel
    from screener.tables import read_table

    frame = read_table(DEV).head(120)
    texts, labels = frame["text"].tolist(), frame["label"].astype(int).tolist()
    pipeline = make_pipeline(seed=0).fit(texts, labels)
    features = pipeline.named_steps["features"].transform(pipeline.named_steps["parse"].transform(texts))
    type_head = LogisticRegression(max_iter=1000).fit(features, frame["ad_type"].tolist())
    old = object.__new__(ScreeningModel)
    old.__dict__.update(pipeline=pipeline, type_head=type_head, thresholds={"balanced": 0.5, "high_precision": 0.8, "high_recall": 0.2}, element_heads={})
    folder = write_format2(tmp_path_factory.mktemp("legacy") / "old", model=old)
    return folder, pipeline, type_head, texts


def test_a_trusted_format2_bundle_upgrades_to_the_same_scores(old_bundle, tmp_path):
    folder, pipeline, type_head, texts = old_bundle
    result = CliRunner().invoke(app, ["bundle", "upgrade", str(folder), str(tmp_path / "new"), "--trust"])
    assert result.exit_code == 0, result.output
    bundle = load_bundle(tmp_path / "new")
    assert bundle.manifest["upgraded_from"]["manifest_sha256"] == json.loads((folder / "manifest.json").read_text())["manifest_sha256"]
    assert bundle.name == "tiny" and bundle.model.thresholds["high_recall"] == 0.2
    np.testing.assert_allclose(bundle.model.predict_risk(texts), pipeline.predict_proba(texts)[:, 1], rtol=0, atol=1e-9)
    assert bundle.model.type_head.classes == tuple(type_head.classes_)
    assert not (tmp_path / "new" / "model.joblib").exists()


def test_an_untrusted_or_altered_format2_bundle_is_never_unpickled(old_bundle, tmp_path, monkeypatch):
    import joblib

    folder, *_ = old_bundle

    def refuse(*args, **kwargs):
        raise AssertionError("unpickled a bundle that should have been refused")

    monkeypatch.setattr(joblib, "load", refuse)
    with pytest.raises(BundleError, match="unpickling runs the code"):
        upgrade_bundle(folder, tmp_path / "new")
    assert not (tmp_path / "new").exists()
    altered = write_format2(tmp_path / "altered", payload=(folder / "model.joblib").read_bytes())
    with (altered / "model.joblib").open("ab") as handle:
        handle.write(b"\0")
    with pytest.raises(BundleError, match="does not match its manifest"):
        upgrade_bundle(altered, tmp_path / "new", trust=True)


def test_without_joblib_the_upgrade_says_which_extra_to_install(tmp_path, monkeypatch):
    folder = write_format2(tmp_path / "old", payload=b"not read")
    monkeypatch.setitem(sys.modules, "joblib", None)  # import joblib raises ImportError
    with pytest.raises(BundleError, match=r"needs joblib: pip install 'screener\[legacy\]'"):
        upgrade_bundle(folder, tmp_path / "new", trust=True)


def test_loading_a_format2_bundle_points_to_the_upgrade(tmp_path):
    folder = write_format2(tmp_path / "old", payload=b"not read")
    with pytest.raises(BundleError, match="older format .a pickle.*screener bundle upgrade"):
        load_bundle(folder)
