"""Format-2 bundles (``model.joblib``, a pickle) converted to the pickle-free format 3.

Unpickling runs code that the file contains, so `upgrade_bundle` first checks the old manifest's
digest and the sha256 of ``model.joblib`` recorded in it, and unpickles only when told to trust
the bundle. It needs ``joblib`` (``pip install 'screener[legacy]'``), which screener no longer
depends on.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from screener.bundle import CARD_FILE, FORMAT_VERSION, MANIFEST_FILE, file_sha256, manifest_digest, save_bundle
from screener.errors import BundleError

__all__ = ["OLD_FORMAT", "OLD_MODEL_FILE", "upgrade_bundle"]

OLD_FORMAT = "screener-bundle/2"
OLD_MODEL_FILE = "model.joblib"
# Recomputed for the new files, or no longer true of them.
_REPLACED = ("format_version", "libraries", "model_sha256", "manifest_sha256")


def _verified_manifest(folder: Path) -> dict[str, Any]:
    """The manifest of a format-2 bundle whose digest and model file check out."""
    manifest_path, model_path = folder / MANIFEST_FILE, folder / OLD_MODEL_FILE
    if not manifest_path.is_file() or not model_path.is_file():
        raise BundleError(f"{folder} is not a format-2 bundle: it needs {OLD_MODEL_FILE} and {MANIFEST_FILE}")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise BundleError(f"{manifest_path} is not valid JSON; the bundle is damaged") from None
    found = manifest.get("format_version") if isinstance(manifest, dict) else None
    if found != OLD_FORMAT:
        raise BundleError(f"{folder}: bundle format {found!r}; only {OLD_FORMAT!r} bundles need upgrading")
    if manifest.get("manifest_sha256") != manifest_digest(manifest):
        raise BundleError(f"{manifest_path} does not match its digest: the manifest was altered; refusing the bundle")
    actual = file_sha256(model_path)
    if actual != manifest.get("model_sha256"):
        raise BundleError(
            f"{model_path} does not match its manifest (sha256 {actual[:12]}... vs {str(manifest.get('model_sha256'))[:12]}...): "
            "refusing to unpickle a file that may have been altered"
        )
    return manifest


def upgrade_bundle(old: str | Path, new: str | Path, trust: bool = False) -> dict[str, Any]:
    """Convert the format-2 bundle `old` into a format-3 bundle `new` with the same model arrays.

    Parameters
    ----------
    old, new : str or Path
        The format-2 bundle folder, and the folder to write (created if needed).
    trust : bool
        Unpickle ``model.joblib``: it runs code, so only for a bundle you made or trust.

    Returns
    -------
    dict
        The new manifest: the old one's fields, new digests and library versions, and
        ``upgraded_from`` (old format and manifest digest).

    Raises
    ------
    BundleError
        If `old` is not an intact format-2 bundle, `trust` is false, ``joblib`` is missing, or
        the pickle holds no screening model.
    """
    old, new = Path(old), Path(new)
    if not old.is_dir():
        raise BundleError(f"no model bundle at {old}: expected a folder with {OLD_MODEL_FILE} and {MANIFEST_FILE}")
    manifest = _verified_manifest(old)
    if not trust:
        raise BundleError(
            f"{old / OLD_MODEL_FILE} is a pickle, and unpickling runs the code it contains: "
            "pass --trust (trust=True) only for a bundle you made or trust"
        )
    if new.resolve() == old.resolve():
        raise BundleError(f"write the upgraded bundle to another folder than {old}")
    try:
        import joblib
    except ImportError:
        raise BundleError("upgrading a format-2 bundle needs joblib: pip install 'screener[legacy]'") from None
    import screener.features
    from screener.model import IndicatorFeatures, LexicalTerms
    from screener.scorer import ScreeningModel

    # Format-2 pickles name the two transformers under screener.features, where they lived then.
    screener.features.IndicatorFeatures, screener.features.LexicalTerms = IndicatorFeatures, LexicalTerms
    try:
        loaded = joblib.load(old / OLD_MODEL_FILE)
    finally:
        del screener.features.IndicatorFeatures, screener.features.LexicalTerms
    state = getattr(loaded, "__dict__", {})
    if not isinstance(loaded, ScreeningModel) or "pipeline" not in state:
        raise BundleError(f"{old / OLD_MODEL_FILE} does not hold a format-2 screening model")
    model = ScreeningModel.from_pipeline(state["pipeline"], state.get("type_head"), dict(state["thresholds"]), state.get("element_heads"))
    kept = {key: value for key, value in manifest.items() if key not in _REPLACED}
    kept["upgraded_from"] = {"format_version": OLD_FORMAT, "manifest_sha256": manifest["manifest_sha256"]}
    card_path = old / CARD_FILE
    card = card_path.read_text(encoding="utf-8") if card_path.is_file() else f"# {kept.get('name', old.name)}\n"
    card += f"\nUpgraded from a {OLD_FORMAT} bundle (manifest {manifest['manifest_sha256'][:12]}...) to {FORMAT_VERSION}.\n"
    return save_bundle(model, new, kept, card)
