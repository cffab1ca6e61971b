# Two entry points for a fresh machine: `make serve` and `make test`. Each creates .venv itself.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
# llama.cpp must not be built with -march=native here: the native build uses AMX and segfaults on these CPUs.
export CMAKE_ARGS ?= -DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON

.PHONY: serve test install install-dev eval eval-checker bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --disable-pip-version-check -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	@echo "Installing dev + local-model extras (first time: llama-cpp-python compiles, ~5-8 min on 2 cores)"
	$(BIN)/pip install --disable-pip-version-check -q -e '.[dev,local]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

serve: $(VENV)/.installed
	$(BIN)/calmreply serve --host $(HOST) --port $(PORT)

test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest -q

eval: $(VENV)/.installed
	$(BIN)/calmreply eval run --model playbook --out eval-results/playbook --fail-under 0.95

eval-checker: $(VENV)/.installed
	$(BIN)/calmreply eval checker --min 0.9

bench: $(VENV)/.installed-dev
	$(BIN)/python benchmarks/bench_local_provider.py

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache eval-results .eval-cache
