# Two commands matter: `make run` and `make test`. Everything installs into .venv.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEVSTAMP := $(VENV)/.installed-dev

.PHONY: run test bench lint install install-dev clean postgres-binaries

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(DEVSTAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev,postgres,spark]'
	touch $@ $(STAMP)

install: $(STAMP)
install-dev: $(DEVSTAMP)

run: $(STAMP)
	$(BIN)/marsad ingest examples/sample_corpus.jsonl examples/seed_page.txt --db marsad.duckdb
	$(BIN)/marsad stats --db marsad.duckdb

test: $(DEVSTAMP) postgres-binaries chromium
	$(BIN)/python -m pytest

# The store tests start a throwaway PostgreSQL server from the machine's binaries; install them when absent.
postgres-binaries:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) || \
	  echo "PostgreSQL binaries unavailable: the PostgreSQL store tests will be skipped"

# camel-tools (MIT) is a benchmark peer only; --no-deps keeps its multi-GB torch out of the venv.
bench: $(DEVSTAMP)
	$(BIN)/pip install -q --no-deps 'camel-tools>=1.5' 'emoji>=2.0'
	$(BIN)/python benchmarks/run_all.py $(if $(ONLY),--only $(ONLY))

lint: $(DEVSTAMP)
	$(BIN)/ruff check src tests benchmarks

clean:
	rm -rf $(VENV) build *.egg-info

# The dashboard's browser tests (tests/web) drive Debian's chromium through Playwright; install it when absent.
.PHONY: chromium
chromium:
	@test -x /usr/bin/chromium || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || \
	  echo "chromium unavailable: the dashboard browser tests will be skipped"

# Fuzzing (atheris = libFuzzer for Python, Apache-2.0; see fuzz/README.md): each target runs FUZZ_SECONDS,
# seeded from the test fixtures and examples; the grown corpus and any crash files go to test-artifacts/fuzz.
.PHONY: fuzz
FUZZ_SECONDS ?= 60
FUZZ_FLAGS = -max_total_time=$(FUZZ_SECONDS) -timeout=20 -rss_limit_mb=2048 -max_len=65536 \
	-artifact_prefix=test-artifacts/fuzz/
fuzz: $(DEVSTAMP)
	$(BIN)/pip install -q 'atheris>=2.3'
	@mkdir -p test-artifacts/fuzz/readers test-artifacts/fuzz/segment
	$(BIN)/python fuzz/fuzz_readers.py $(FUZZ_FLAGS) test-artifacts/fuzz/readers tests/fixtures/readers examples
	$(BIN)/python fuzz/fuzz_segment.py $(FUZZ_FLAGS) test-artifacts/fuzz/segment tests/fixtures/segment examples
