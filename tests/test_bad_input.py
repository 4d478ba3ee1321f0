"""Ordinary bad input ends with exit code 2 and a one-line message, never an internal error."""

import gzip
import io
import sys
from pathlib import Path

import pandas as pd
import pytest

from screener.cli import main

MODEL = "screener/models/default"


def run(args, capsys, monkeypatch, stdin: bytes = b""):
    monkeypatch.setattr(sys, "argv", ["screener", *map(str, args)])
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"))
    with pytest.raises(SystemExit) as exited:
        main()
    captured = capsys.readouterr()
    return exited.value.code, captured.out, captured.err


@pytest.fixture
def files(tmp_path):
    (tmp_path / "empty.csv").write_text("")
    (tmp_path / "latin1.csv").write_bytes(b"text,label\nCaf\xe9 job abroad,1\nNurse wanted,0\n")
    (tmp_path / "badline.csv").write_text('text,label\n"ok ad",0\n"bad "quote" here",1,x\n"another",1\n')
    (tmp_path / "numbers.jsonl").write_text('{"text": 12345}\n{"text": "Girls wanted, free visa"}\n')
    pd.DataFrame({"text": ["a", "b"], "label": ["0", "1"]}).to_parquet(tmp_path / "tiny.parquet")
    return tmp_path


@pytest.mark.parametrize(
    "args, message",
    [
        (["screen", "--csv", "{d}/empty.csv"], "empty.csv is empty"),
        (["score", "{d}/empty.csv", "-o", "{d}/out.csv"], "columns are: none"),
        (["score", "{d}/numbers.jsonl", "-o", "{d}"], "is a folder; give a file name"),
        (["train", "--data", "{d}/badline.csv", "--out", "{d}/m"], "line 3"),
        (["train", "--data", "{d}/latin1.csv", "--out", "{d}/m"], "--encoding"),
        (["train", "--data", "{d}/tiny.parquet", "--out", "{d}/m"], "at least 5 of each"),
        (["evaluate", "--model", MODEL, "--data", "{d}/badline.csv", "--out", "{d}/e"], "line 3"),
        (["robustness", "--model", MODEL, "--data", "{d}/latin1.csv", "--out", "{d}/r"], "--encoding"),
        (["fairness", "--model", MODEL, "--data", "{d}/badline.csv", "--out", "{d}/f"], "line 3"),
        (["compare", "--models", MODEL, MODEL, "--data", "{d}/latin1.csv", "--out", "{d}/c"], "--encoding"),
    ],
)
def test_bad_files_exit_2_with_a_message(files, args, message, capsys, monkeypatch):
    code, _, err = run([a.format(d=files) for a in args], capsys, monkeypatch)
    assert code == 2
    assert message in err and "internal error" not in err
    assert len(err.strip().splitlines()) == 1


def test_text_that_is_not_utf8_on_standard_input(capsys, monkeypatch):
    code, _, err = run(["screen", "-"], capsys, monkeypatch, stdin=b"Caf\xe9 job abroad")
    assert code == 2 and "not valid UTF-8" in err


def test_extract_reads_standard_input_for_a_dash(capsys, monkeypatch):
    code, out, _ = run(["extract", "-", "--json"], capsys, monkeypatch, stdin=b"Girls wanted, we keep your passport")
    assert code == 0 and "passport_retained" in out


def test_numbers_in_a_text_column_are_written_to_parquet_as_text(files, capsys, monkeypatch):
    assert run(["score", files / "numbers.jsonl", "-o", files / "out.parquet", "-q"], capsys, monkeypatch)[0] == 0
    out = pd.read_parquet(files / "out.parquet")
    assert out["text"].tolist() == ["12345", "Girls wanted, free visa"]
    assert out["status"].tolist() == ["empty", "ok"]  # digits alone are no words to read


def test_gzip_output_names_no_file(files, capsys, monkeypatch):
    assert run(["score", files / "numbers.jsonl", "-o", files / "out.csv.gz", "-q"], capsys, monkeypatch)[0] == 0
    header = (files / "out.csv.gz").read_bytes()[:10]
    assert header[3] & 0x08 == 0  # FNAME flag unset: the temporary file's name is not stored
    assert gzip.decompress((files / "out.csv.gz").read_bytes()).startswith(b"text,risk")


def test_the_output_extension_wins_over_format(tmp_path, capsys, monkeypatch):
    (tmp_path / "in.tsv").write_text("text\tid\nGirls wanted, free visa\t1\n")
    assert run(["score", tmp_path / "in.tsv", "--format", "tsv", "-o", tmp_path / "out.csv", "-q"], capsys, monkeypatch)[0] == 0
    assert (tmp_path / "out.csv").read_text().startswith("text,id,risk")


def test_a_model_bundle_is_not_overwritten_without_a_word(tmp_path, capsys, monkeypatch):
    import shutil

    bundle = tmp_path / "model"
    shutil.copytree(MODEL, bundle)
    (tmp_path / "ads.csv").write_text("text,label\n" + "".join(f"ad {i},{i % 2}\n" for i in range(12)))
    code, _, err = run(["train", "--data", tmp_path / "ads.csv", "--out", bundle], capsys, monkeypatch)
    assert code == 2 and "--overwrite" in err
    code, _, err = run(["corpus", "generate", "--out", bundle, "--n", "60"], capsys, monkeypatch)
    assert code == 2 and "holds a model bundle" in err
    assert (bundle / "manifest.json").read_bytes() == (Path(MODEL) / "manifest.json").read_bytes()
