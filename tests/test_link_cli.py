"""The linking commands: `screener link` and `screener score --link`."""

import pandas as pd
from typer.testing import CliRunner

from screener.cli import app

ADS = [
    {"id": f"lure{i}", "text": f"Hostess jobs in {city}, salary 3000 USD a month, free flight and room, no experience. WhatsApp +971 50 111 2222"}
    for i, city in enumerate(["Dubai", "Doha", "Riyadh"])
] + [
    {"id": "nurse", "text": "Registered nurse, band 5, Leeds, full time, apply on the NHS Jobs website."},
    {"id": "shop", "text": "Sales assistant wanted for our bakery in Leeds, weekends, apply in store."},
]


def _ads(tmp_path):
    path = tmp_path / "ads.csv"
    pd.DataFrame(ADS).to_csv(path, index=False)
    return path


def test_link_writes_rows_and_report_and_groups_the_campaign(tmp_path):
    result = CliRunner().invoke(app, ["link", str(_ads(tmp_path)), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    linked = pd.read_csv(tmp_path / "out" / "linked.csv", keep_default_na=False).set_index("id")
    assert len(linked) == len(ADS)
    assert linked.loc[["lure0", "lure1", "lure2"], "cluster_id"].nunique() == 1
    assert set(linked.loc[["lure0", "lure1", "lure2"], "contact_ads"]) == {2}
    assert linked.loc["nurse", "cluster_id"] != linked.loc["lure0", "cluster_id"]
    assert "+971" not in linked.loc["lure0", "contacts"]  # hashed by default
    assert (tmp_path / "out" / "report.html").stat().st_size > 0


def test_score_link_adds_the_columns_and_contacts_need_link(tmp_path):
    ads, out = _ads(tmp_path), tmp_path / "scored.csv"
    result = CliRunner().invoke(app, ["score", str(ads), "-o", str(out), "--link", "--contacts", "none", "-q"])
    assert result.exit_code == 0, result.output
    scored = pd.read_csv(out, keep_default_na=False)
    assert {"cluster_id", "cluster_size", "contact_ads", "linked_elements"} <= set(scored.columns)
    assert "contacts" not in scored.columns
    refused = CliRunner().invoke(app, ["score", str(ads), "-o", str(tmp_path / "x.csv"), "--contacts", "plain"])
    assert refused.exit_code != 0
