"""The cluster report of ``screener link``: a self-contained HTML page with figures.

It shows how large the template clusters are, each large or risky cluster as its template (the
words its ads share, the words that vary, and the slots: places, names, numbers and contacts,
with the values seen), one of its ads with the evidence marked by legal element, and the contact
groups (contacts shown hashed). Needs matplotlib (``pip install 'screener[reports]'``).
"""

from __future__ import annotations

import difflib
import html
import json
from collections import Counter
from pathlib import Path

import numpy as np

from screener.contacts import hashed_key
from screener.linking.links import ELEMENTS, Links
from screener.linking.template import SLOT_KINDS, read_template
from screener.report import _COLOURS, _image, _pyplot
from screener.tables import TableReader

__all__ = ["CLUSTERS_SHOWN", "SAMPLES", "write_link_report", "template_html", "shown_clusters"]

CLUSTERS_SHOWN = 20
SAMPLES = 12  # ads per shown cluster read back for its template
GROUPS_SHOWN = 15
_RISKY = 0.5
_STYLE = (
    "<style>body{font-family:sans-serif;max-width:1400px;margin:auto}table{border-collapse:collapse}"
    "td,th{border:1px solid #ccc;padding:3px 8px;text-align:right;vertical-align:top}td.ad{text-align:left;max-width:900px}"
    "img{max-width:100%}.slot{border-radius:3px;padding:0 3px;font-size:90%}.place{background:#cde}.name{background:#edc}"
    ".number{background:#ddd}.contact{background:#fcc}.varies{color:#999;font-style:italic}</style>"
)


def shown_clusters(links: Links, shown: int = CLUSTERS_SHOWN) -> list[int]:
    """Cluster numbers worth showing: of two or more ads, risky ones first, then by size."""
    multi = np.flatnonzero(links.sizes >= 2)
    risky = np.nan_to_num(links.cluster_risk[multi], nan=0.0) >= _RISKY
    order = np.lexsort((links.ids[multi].astype(str), -links.sizes[multi], ~risky))
    return multi[order][:shown].tolist()


def template_html(texts: list[str], region: str | None = None) -> str:
    """HTML of the template shared by `texts`: shared words plain, varying words grey, slots marked.

    The reference is the text most like the others (the medoid by word alignment); every other is
    aligned to it word by word.
    """
    templates = [read_template(t, region) for t in texts]
    likeness = [sum(difflib.SequenceMatcher(None, a.words, b.words, autojunk=False).ratio() for b in templates) for a in templates]
    reference = templates[int(np.argmax(likeness))]
    shared = np.zeros(len(reference.words), dtype=int)
    seen: list[list[str]] = [[] for _ in reference.values]
    for other in templates:
        matcher = difflib.SequenceMatcher(None, reference.words, other.words, autojunk=False)
        for block in matcher.get_matching_blocks():
            for k in range(block.size):
                shared[block.a + k] += 1
                seen[block.a + k].append(other.values[block.b + k])
    majority = len(templates) / 2
    pieces = []
    for i, word in enumerate(reference.words):
        kind = word.strip("<>")
        if word.startswith("<") and kind in SLOT_KINDS:
            values = [v for v, _ in Counter(seen[i]).most_common(4)]
            more = " …" if len(set(seen[i])) > 4 else ""
            pieces.append(f'<span class="slot {kind}" title="{kind}">[{kind}: {html.escape(" | ".join(values))}{more}]</span>')
        elif shared[i] >= majority:
            pieces.append(html.escape(reference.values[i]))
        else:
            pieces.append(f'<span class="varies">{html.escape(reference.values[i])}</span>')
    return " ".join(pieces)


def _evidence_html(text: str, evidence: str) -> str:
    try:
        hits = sorted((h for h in json.loads(evidence or "[]") if not h.get("negated")), key=lambda h: h["start"])
    except (TypeError, ValueError):
        hits = []
    pieces, position = [], 0
    for hit in hits:
        if hit["start"] < position:
            continue
        colour = _COLOURS.get(hit["element"], "#999")
        pieces.append(html.escape(text[position : hit["start"]]))
        pieces.append(f'<mark style="background:{colour}33;border-bottom:2px solid {colour}" title="{html.escape(hit["element"])}: {html.escape(hit["indicator"])}">{html.escape(text[hit["start"] : hit["end"]])}</mark>')
        position = hit["end"]
    pieces.append(html.escape(text[position:]))
    return "".join(pieces)


def _samples(linked: Path, links: Links, wanted: set[int], text_column: str) -> dict[int, list[dict]]:
    """Up to `SAMPLES` rows (text, evidence) of each wanted cluster, read back from the linked file."""
    found: dict[int, list[dict]] = {c: [] for c in wanted}
    start = 0
    for chunk in TableReader(linked).chunks():
        frame = chunk.frame
        for offset, label in enumerate(links.labels[start : start + len(frame)].tolist()):
            if label in found and len(found[label]) < SAMPLES:
                row = frame.iloc[offset]
                found[label].append({"text": str(row[text_column]), "evidence": row.get("evidence")})
        start += len(frame)
    return found


def _figures(plt, links: Links) -> dict:
    sizes = links.sizes[links.sizes >= 2]
    figure, axes = plt.subplots(1, 2, figsize=(12, 4.5))
    if len(sizes):
        bins = np.unique(np.geomspace(2, max(3, sizes.max() + 1), 20).astype(int))
        axes[0].hist(sizes, bins=bins)
        axes[0].set_xscale("log")
        axes[1].scatter(links.sizes[links.sizes >= 2], np.nan_to_num(links.cluster_risk[links.sizes >= 2]), s=10, alpha=0.6)
        axes[1].set_xscale("log")
        from matplotlib.ticker import NullFormatter, ScalarFormatter

        for axis in axes:
            axis.xaxis.set_major_formatter(ScalarFormatter())
            axis.xaxis.set_minor_formatter(NullFormatter())
    axes[0].set(title="template clusters of 2 or more ads", xlabel="ads in the cluster", ylabel="clusters")
    axes[1].set(title="risk by cluster", xlabel="ads in the cluster", ylabel="highest risk in the cluster", ylim=(0, 1.02))
    figure.tight_layout()
    return {"clusters": figure}


def _groups_table(links: Links) -> str:
    order = np.argsort(-links.group_sizes, kind="stable")[:GROUPS_SHOWN]
    rows = []
    for group in order.tolist():
        if links.group_sizes[group] < 2:
            break
        members = np.flatnonzero(links.groups == group)
        keys = sorted({k for row in members.tolist() for k in links.contacts_of(row)})
        clusters = len({int(c) for c in links.labels[members] if c >= 0})
        risk = np.nanmax(links.risk[members]) if not np.isnan(links.risk[members]).all() else float("nan")
        mask = int(np.bitwise_or.reduce(links.masks[members]))
        elements = ", ".join(e for i, e in enumerate(ELEMENTS) if mask >> i & 1) or "none"
        shown = ", ".join(f"{k.split(':')[0]} {hashed_key(k)}" for k in keys[:5]) + (" …" if len(keys) > 5 else "")
        rows.append(f"<tr><td>{len(members)}</td><td>{len(keys)}</td><td>{clusters}</td><td>{risk:.3f}</td><td>{elements}</td><td class='ad'>{html.escape(shown)}</td></tr>")
    head = "<tr><th>ads</th><th>contacts</th><th>template clusters</th><th>highest risk</th><th>elements evidenced</th><th>contacts (hashed)</th></tr>"
    return f"<table>{head}{''.join(rows)}</table>" if rows else "<p>No two ads share a contact.</p>"


def write_link_report(linked: str | Path, links: Links, out: str | Path, *, text_column: str = "text", region: str | None = None) -> Path:
    """Write ``report.html`` and ``clusters.png`` into `out` for a linked file; return the HTML path.

    Parameters
    ----------
    linked : str or Path
        The output of `screener.linking.files.link_file` (its rows in the order `links` has them).
    links : Links
        What linking found (`LinkSummary.links`).
    out : str or Path
        A folder (created if missing).
    text_column : str
        The column holding the ad text.
    region : str, optional
        As given to linking, to read contacts the same way.
    """
    plt = _pyplot()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    chosen = shown_clusters(links)
    samples = _samples(Path(linked), links, set(chosen), text_column)
    multi = links.sizes >= 2
    parts = [
        f"<!doctype html><html><head><meta charset='utf-8'><title>screener: linked ads</title>{_STYLE}</head><body>",
        "<h1>Linked ads: template clusters and contact groups</h1>",
        f"<p>{len(links)} ads; {int(links.sizes[multi].sum())} of them in {int(multi.sum())} template clusters of two or more ads; "
        f"{int(links.group_sizes[links.group_sizes >= 2].sum())} in {int((links.group_sizes >= 2).sum())} groups of ads sharing a contact. "
        "A link is a lead for a person to follow, never a verdict.</p>",
    ]
    for stem, figure in _figures(plt, links).items():
        figure.savefig(out / f"{stem}.png", dpi=90, bbox_inches="tight")
        parts.append(f'<img alt="{stem}" src="data:image/png;base64,{_image(figure)}">')
        plt.close(figure)
    parts.append("<h2>Largest and riskiest clusters</h2><p>Template: shared words plain, <span class='varies'>words that vary</span> grey, slots marked with the values seen.</p>")
    parts.append("<table><tr><th>cluster</th><th>ads</th><th>highest risk</th><th>elements</th><th>places</th><th>template, and one ad with its evidence</th></tr>")
    for cluster in chosen:
        rows = samples[cluster]
        mask = int(links.cluster_masks[cluster])
        elements = ", ".join(e for i, e in enumerate(ELEMENTS) if mask >> i & 1) or "none"
        template = template_html([r["text"] for r in rows], region) if rows else ""
        example = _evidence_html(rows[0]["text"], rows[0]["evidence"]) if rows else ""
        parts.append(
            f"<tr><td>{links.ids[cluster]}</td><td>{links.sizes[cluster]}</td><td>{links.cluster_risk[cluster]:.3f}</td><td>{elements}</td>"
            f"<td class='ad'>{html.escape(links.cluster_places[cluster].replace(';', ', '))}</td><td class='ad'>{template}<hr>{example}</td></tr>"
        )
    parts.append("</table><h2>Contact groups</h2>")
    parts.append(_groups_table(links))
    parts.append("</body></html>")
    path = out / "report.html"
    path.write_text("\n".join(parts), encoding="utf-8")
    return path
