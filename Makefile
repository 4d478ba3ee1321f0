# Quick start: `make demo` and `make test` each create .venv when it is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

CORPUS := corpora/synthetic-v2
CORPUS_SEED := 20261207
CORPUS_N := 24000
CORPUS_V1 := corpora/synthetic-v1

MODEL := screener/models/default
# The shared evaluation sets (not in this repository): hand-written ads and real legitimate ads.
EVAL ?= ../shared/eval

.PHONY: demo test browser bench bench-service corpus corpus-v1 model quality clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/screener screen --csv corpora/examples/ads.csv --id-column id
	$(BIN)/screener screen "Girls 18-25 wanted for hostess work abroad. We pay your flight; the cost is deducted from your first salaries. Contact only on WhatsApp."

# One pytest worker per core (pytest-xdist); each builds its own session fixtures.
test: $(STAMP) browser
	$(BIN)/python -m pytest -n auto

# Headless Chromium for the review page's browser tests (Debian's packages), installed only where missing.
browser:
	@if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then exit 0; \
	elif command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium chromium-driver; \
	else echo "cannot apt-get (not root, or not Debian): install chromium and chromium-driver yourself, or the browser tests are skipped"; fi

corpus: $(STAMP)
	$(BIN)/screener corpus generate --out $(CORPUS) --n $(CORPUS_N) --seed $(CORPUS_SEED) --compress --generator 2

corpus-v1: $(STAMP)
	$(BIN)/screener corpus generate --out $(CORPUS_V1) --n $(CORPUS_N) --seed 20261129 --compress --generator 1

model: $(STAMP)
	$(BIN)/screener train --data $(CORPUS)/train.csv.gz --dev $(CORPUS)/dev.csv.gz --out $(MODEL) --overwrite --seed 0 --name default --version 2 --eval corpora/real-public/ads.csv

# The README's quality figures: dev_ads and corpora/real-public (metrics.json each), and how many
# real legitimate ads each real_benign file flags (the closing line of each score run).
quality: $(STAMP)
	$(BIN)/screener evaluate --model $(MODEL) --data $(EVAL)/dev_ads.csv --out reports/quality/dev_ads --no-report
	$(BIN)/screener evaluate --model $(MODEL) --data corpora/real-public/ads.csv --out reports/quality/real-public --no-report
	for f in $(EVAL)/real_benign/*.csv.gz; do $(BIN)/screener score $$f -o reports/quality/$$(basename $$f .csv.gz).csv; done

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_extract.py

bench-service: $(STAMP)
	$(BIN)/python benchmarks/bench_service.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis
