# Two commands on a fresh machine:
#   make demo   install everything and rank the automation candidates of a shipped sample log
#   make test   install everything and run the tests (what CI runs)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SAMPLE ?= eventlogs/ostolaskut.csv.gz

.PHONY: demo test install system-deps bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

install: $(BIN)/python system-deps
	$(BIN)/python -m pip install -q -e '.[dev]'

system-deps:
	@bash scripts/system-deps.sh

demo: install
	$(BIN)/rpa-scout rank $(SAMPLE)

test: install
	@bash scripts/run-tests.sh $(BIN)

bench: install
	$(BIN)/python benchmarks/read_speed.py

clean:
	rm -rf $(VENV) build *.egg-info
