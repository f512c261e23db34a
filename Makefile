# Quick start: `make run` serves the sandbox, `make test` runs the whole suite.
# Each target sets itself up on a fresh machine (virtualenv, pip install, Debian packages).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint bench loadtest clean system-deps-run system-deps-bench system-deps-test

# Debian packages some targets need, installed when missing (as root, or with sudo).
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_INSTALL := $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# DejaVu Sans sets the PDF receipts' Vietnamese; without it they fall back to ASCII (so `run` goes on).
FONT := /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
system-deps-run:
	-@test -f $(FONT) || ($(APT_INSTALL) fonts-dejavu-core)

run: $(STAMP) system-deps-run
	$(BIN)/python -m simulator serve

# Format and lint, including import placement (ruff PLC0415); `ruff format .` fixes the first.
lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

# The dashboard's browser tests drive Debian's Chromium through Playwright (no browser download).
system-deps-test:
	@command -v chromium >/dev/null || ($(APT_INSTALL) chromium)
	@test -f $(FONT) || ($(APT_INSTALL) fonts-dejavu-core)

test: $(STAMP) lint system-deps-test
	$(BIN)/python -m pytest -q

# wrk and taskset (util-linux) from Debian; Java 17 for WireMock (Debian's default-jre-headless when no
# java is on the PATH); WireMock's standalone jar from the `wiremock` npm package (npm from Debian when
# missing), installed under var/bench/ (not committed).
WIREMOCK_VERSION := 3.13.2
WIREMOCK_JAR := var/bench/wiremock/node_modules/wiremock/build/wiremock-standalone-$(WIREMOCK_VERSION).jar
system-deps-bench:
	@command -v wrk >/dev/null || ($(APT_INSTALL) wrk)
	@command -v taskset >/dev/null || ($(APT_INSTALL) util-linux)
	@command -v java >/dev/null || ($(APT_INSTALL) default-jre-headless)
	@command -v npm >/dev/null || ($(APT_INSTALL) npm)

$(WIREMOCK_JAR):
	npm install --silent --no-audit --no-fund --prefix var/bench/wiremock wiremock@$(WIREMOCK_VERSION)

# Servers pinned to core 1 and load to core 0 where there are two cores or more (see docs/benchmarks.md).
bench: $(STAMP) system-deps-bench $(WIREMOCK_JAR)
	$(BIN)/python bench/identity_bench.py --n 200000
	$(BIN)/python bench/run_bench.py

# A short steady run end to end on this machine: a fresh sandbox and the reference connector on
# free loopback ports, Locust headless for 30 s, thresholds checked, reports/steady/summary.md
# printed (exit 1 if a threshold fails).
loadtest: $(STAMP)
	$(BIN)/python -m loadtests run loadtests/runs/steady.yaml --spawn --out reports/steady

clean:
	rm -rf $(VENV) var reports test-artifacts .pytest_cache .ruff_cache
