"""Model bundles: ``model.npz`` + ``model.json`` + ``manifest.json`` + ``MODEL_CARD.md`` in one folder.

The model is arrays (``model.npz``, read with ``allow_pickle=False``) and settings (``model.json``),
so loading a bundle runs no code. `load_bundle` still checks, before reading them, the manifest's
format version, the manifest's own digest (``manifest_sha256``, over the rest of the manifest)
and the sha256 of each model file recorded in it, and refuses anything that does not match. These
catch damaged and naively edited bundles; someone who can rewrite every file can recompute the
digests, so pin the manifest digest you trust (``expected_sha256``) when a bundle comes from
elsewhere.
"""

from __future__ import annotations

import hashlib
import json
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from importlib import metadata
import spacy

from screener.errors import BundleError
from screener.scorer import ScreeningModel

__all__ = ["FORMAT_VERSION", "Bundle", "save_bundle", "load_bundle", "verify_bundle", "manifest_digest", "file_sha256", "BundleError"]

FORMAT_VERSION = "screener-bundle/3"
MODEL_FILE = "model.npz"  # the arrays; its sha256 is the model's
SETTINGS_FILE = "model.json"
MANIFEST_FILE = "manifest.json"
CARD_FILE = "MODEL_CARD.md"


@dataclass(frozen=True)
class Bundle:
    """A loaded bundle."""

    path: Path
    name: str
    version: str
    model: ScreeningModel
    manifest: dict[str, Any]


def file_sha256(path: Path) -> str:
    """The sha256 (hex) of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def manifest_digest(manifest: dict[str, Any]) -> str:
    """sha256 of the manifest without its own ``manifest_sha256`` (canonical JSON)."""
    rest = {key: value for key, value in manifest.items() if key != "manifest_sha256"}
    return hashlib.sha256(json.dumps(rest, sort_keys=True, separators=(",", ":")).encode("utf-8")).hexdigest()


def library_versions() -> dict[str, str]:
    """The versions a bundle records and compares."""
    from screener import __version__

    return {"screener": __version__, "scikit-learn": metadata.version("scikit-learn"), "spacy": spacy.__version__}


def save_bundle(model: ScreeningModel, folder: str | Path, manifest: dict[str, Any], card: str) -> dict[str, Any]:
    """Write `model` with its manifest (format, versions, model hash added) and model card."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    arrays, settings = model.to_arrays()
    _write_npz(folder / MODEL_FILE, arrays)
    (folder / SETTINGS_FILE).write_text(json.dumps(settings, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    full = {
        "format_version": FORMAT_VERSION,
        **manifest,
        "libraries": library_versions(),
        "model_sha256": file_sha256(folder / MODEL_FILE),
        "settings_sha256": file_sha256(folder / SETTINGS_FILE),
    }
    full["manifest_sha256"] = manifest_digest(full)
    (folder / MANIFEST_FILE).write_text(json.dumps(full, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    (folder / CARD_FILE).write_text(card, encoding="utf-8")
    return full


def _write_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """An ``.npz`` archive that `numpy.load` reads, byte-identical for identical arrays (fixed
    entry dates, unlike `numpy.savez_compressed`)."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, array in arrays.items():
            entry = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(entry, "w") as handle:
                np.lib.format.write_array(handle, np.ascontiguousarray(array), allow_pickle=False)


def verify_bundle(folder: str | Path, expected_sha256: str | None = None) -> dict[str, Any]:
    """Check a bundle's files against its manifest without reading the model; return the manifest.

    Parameters
    ----------
    folder : str or Path
        The bundle folder.
    expected_sha256 : str, optional
        The manifest digest you trust (``manifest_sha256``); the bundle must have it.

    Raises
    ------
    BundleError
        If the folder, manifest or model file is missing, the format version is unknown, the
        manifest was altered, the model file does not match the manifest, or the digest is not
        the expected one.
    """
    folder = Path(folder)
    manifest_path = folder / MANIFEST_FILE
    needed = (MODEL_FILE, SETTINGS_FILE, MANIFEST_FILE)
    if not folder.is_dir():
        raise BundleError(f"no model bundle at {folder}: expected a folder with {', '.join(needed)}")
    if not all((folder / name).is_file() for name in needed):
        if (folder / "model.joblib").is_file():
            raise BundleError(
                f"{folder} is a bundle of an older format (a pickle), which this screener no longer loads: retrain it with "
                "`screener train`, or convert it with `screener bundle upgrade OLD NEW --trust` if you trust where it came from"
            )
        raise BundleError(f"{folder} is not a model bundle: it needs {', '.join(needed)}")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise BundleError(f"{manifest_path} is not valid JSON; the bundle is damaged") from None
    if not isinstance(manifest, dict) or manifest.get("format_version") != FORMAT_VERSION:
        found = manifest.get("format_version") if isinstance(manifest, dict) else None
        raise BundleError(f"{folder}: unknown bundle format {found!r}; this screener reads {FORMAT_VERSION!r}")
    if manifest.get("manifest_sha256") != manifest_digest(manifest):
        raise BundleError(f"{manifest_path} does not match its digest: the manifest was altered; refusing the bundle")
    if expected_sha256 is not None and manifest["manifest_sha256"] != expected_sha256.lower():
        raise BundleError(f"{folder} is not the expected bundle (manifest digest {manifest['manifest_sha256'][:12]}...)")
    for name, key in ((MODEL_FILE, "model_sha256"), (SETTINGS_FILE, "settings_sha256")):
        actual = file_sha256(folder / name)
        if actual != manifest.get(key):
            raise BundleError(
                f"{folder / name} does not match its manifest (sha256 {actual[:12]}... vs {str(manifest.get(key))[:12]}...): "
                "refusing to load a file that may have been altered"
            )
    return manifest


def load_bundle(folder: str | Path, expected_sha256: str | None = None) -> Bundle:
    """Load a bundle after `verify_bundle`; warn when library or catalogue versions differ.

    Raises
    ------
    BundleError
        As `verify_bundle`, or if the model files do not hold a screening model.
    """
    folder = Path(folder)
    manifest = verify_bundle(folder, expected_sha256)
    for library, version in library_versions().items():
        recorded = manifest.get("libraries", {}).get(library)
        if recorded and recorded != version:
            warnings.warn(f"bundle {folder.name} was built with {library} {recorded}; this is {version}", stacklevel=2)
    from screener.indicators import load_catalogue

    catalogue = load_catalogue().version
    if manifest.get("catalogue_version") not in (None, catalogue):
        warnings.warn(
            f"bundle {folder.name} was trained with catalogue {manifest['catalogue_version']}; this is {catalogue}: retrain it",
            stacklevel=2,
        )
    try:
        with np.load(folder / MODEL_FILE, allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in archive.files}
        model = ScreeningModel.from_arrays(arrays, json.loads((folder / SETTINGS_FILE).read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise BundleError(f"{folder} does not hold a screening model ({type(error).__name__}); retrain it with `screener train`") from None
    return Bundle(path=folder, name=manifest.get("name", folder.name), version=manifest.get("version", "0"), model=model, manifest=manifest)
