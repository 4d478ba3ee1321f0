# Quick start: `make demo` and `make test` each create .venv when it is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

CORPUS := corpora/synthetic-v1
CORPUS_SEED := 20261129
CORPUS_N := 24000

.PHONY: demo test bench corpus clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/screener extract --csv corpora/examples/ads.csv --id-column id

test: $(STAMP)
	$(BIN)/python -m pytest

corpus: $(STAMP)
	$(BIN)/screener corpus generate --out $(CORPUS) --n $(CORPUS_N) --seed $(CORPUS_SEED) --compress

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_extract.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis
