# samesku — two commands on a fresh machine: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DIR := demo
DEMO_OFFERS ?= 20000

.PHONY: demo test check model bench venv clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,spark]'
	touch $(STAMP)

venv: $(STAMP)

## demo: synthetic multilingual catalog -> cluster -> evaluate -> report
demo: $(STAMP)
	mkdir -p $(DEMO_DIR)
	$(BIN)/samesku synth --offers $(DEMO_OFFERS) --seed 7 --out $(DEMO_DIR)/catalog.parquet
	$(BIN)/samesku cluster $(DEMO_DIR)/catalog.parquet --out $(DEMO_DIR)/run
	$(BIN)/samesku evaluate $(DEMO_DIR)/run --truth $(DEMO_DIR)/catalog.parquet --truth-column truth --blocking
	@echo "report: $(abspath $(DEMO_DIR)/run/report.html)"

## test: the whole suite
test: $(STAMP)
	$(BIN)/python -m pytest -q -n 2 -p no:cacheprovider

## check: lint and types
check: $(STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/mypy src

## model: retrain the default match model shipped in the package (synthetic data only)
model: $(STAMP)
	$(BIN)/python scripts/train_default_model.py --out src/samesku/match/default_model.json

## bench: regenerate benchmarks/README.md (PriceRunner quality + peers, 100k, 1M and 2M local, Spark 100k at 4 and 8 partitions and 1M; ~75 min)
bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py --sizes 100000 1000000 2000000 --spark-sizes 100000 1000000 --spark-partitions 4 8

clean:
	rm -rf $(DEMO_DIR) .pytest_cache build *.egg-info
