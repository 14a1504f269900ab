# debtload - `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# The first of python3.13 and python3 that really is 3.13: a pyenv shim exists for every installed
# version but only runs the ones selected (.python-version selects 3.13 in this directory).
PYTHON ?= $(shell for p in python3.13 python3; do $$p -c 'import sys; sys.exit(sys.version_info[:2] != (3, 13))' 2>/dev/null && command -v $$p && break; done)
VENV := .venv
BIN := $(VENV)/bin
SAM_VENV := $(VENV)/sam
SAM := PATH="$(abspath $(BIN)):$$PATH" $(SAM_VENV)/bin/sam
# checkov pins dependencies that clash with the dev tools', so it has its own venv, like sam.
CHECKOV_VENV := $(VENV)/checkov
CHECKOV := $(CHECKOV_VENV)/bin/checkov
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev
VENV_PY := $(VENV)/.python-3.13
PIP := $(BIN)/python -m pip install --quiet --disable-pip-version-check
# spectral (the OpenAPI linter) is a Node.js tool: package-lock.json pins it and what it pulls in.
NODE_STAMP := node_modules/.installed
SPECTRAL := node_modules/.bin/spectral

NAME ?=
SCOPES ?=
CREDITS ?= 0
TENANT ?=
AMOUNT ?=
KEY ?=
STACK ?=
FUNCTION ?=
EVENT ?=
ADMIN_STACK := $(if $(STACK),--stack $(STACK),)

.PHONY: help run test browser-deps lint openapi build deploy bench tenant key revoke credits invoke clean

help: ## Show this help
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[36m%-10s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

# A .venv made by another Python (3.11 before decision 82) is made anew rather than reused.
$(VENV_PY):
	@test -n "$(PYTHON)" || { echo "Python 3.13 is required"; exit 1; }
	@if [ -d $(VENV) ]; then echo "$(VENV) was not made by Python 3.13: making it anew"; rm -rf $(VENV); fi
	$(PYTHON) -m venv $(VENV)
	$(PIP) --upgrade pip
	@touch $@

$(RUN_STAMP): $(VENV_PY) requirements-local.txt layers/core/requirements.txt
	$(PIP) -r requirements-local.txt
	@touch $@

$(DEV_STAMP): $(RUN_STAMP) requirements-dev.txt requirements-sam.txt requirements-checkov.txt
	$(PIP) -r requirements-dev.txt
	@test -x $(SAM_VENV)/bin/python || $(PYTHON) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-sam.txt
	@test -x $(CHECKOV_VENV)/bin/python || $(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-checkov.txt
	@touch $@

# npm ci installs exactly the lock file; no package's install script is needed (or run).
$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { echo "Node.js 20+ and npm are required (make lint runs spectral)"; exit 1; }
	npm ci --ignore-scripts --no-audit --no-fund
	@touch $@

run: $(RUN_STAMP) ## Start the local stack: API on :3000, AWS endpoint (moto) on :4566
	$(BIN)/python -m devstack

test: $(DEV_STAMP) browser-deps ## Run every test suite (unit, integration, e2e, browser, events, template)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The browser suite drives Debian's Chromium (never a browser Playwright would download) and injects
# axe-core from node_modules. Each is installed when missing and the machine allows it; otherwise the
# suite is skipped, and this and pytest's summary say so loudly (CI refuses to skip it: .ci/run).
browser-deps:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null \
	      || echo "!!!!! apt-get could not install chromium: THE BROWSER TESTS WILL NOT RUN !!!!!"; \
	  else \
	    echo "!!!!! Chromium is missing and this machine cannot install it (root and apt-get needed):"; \
	    echo "!!!!! THE BROWSER TESTS WILL NOT RUN (apt-get install chromium, or DEBTLOAD_CHROMIUM=/path) !!!!!"; \
	  fi; \
	fi
	@if command -v npm >/dev/null 2>&1; then $(MAKE) --no-print-directory $(NODE_STAMP); \
	  else echo "!!!!! npm is missing, so axe-core is: THE BROWSER TESTS WILL NOT RUN !!!!!"; fi

lint: $(DEV_STAMP) $(NODE_STAMP) ## ruff, mypy, import-linter (pyproject.toml), cfn-lint, checkov (.checkov.yaml), spectral on docs/openapi.json (.spectral.yaml)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	PYTHONPATH=layers/core $(BIN)/lint-imports
	$(BIN)/cfn-lint template.yaml
	$(CHECKOV) -f template.yaml --config-file .checkov.yaml
	$(SPECTRAL) lint docs/openapi.json --ruleset .spectral.yaml --fail-severity=warn

openapi: $(RUN_STAMP) ## Write docs/openapi.json, the committed contract
	PYTHONPATH=layers/core:. $(BIN)/python -m admin.openapi docs/openapi.json

build: $(DEV_STAMP) ## sam build (arm64, no container needed); the layer ships .pyc files
	$(SAM) build
	@# Compiled once here rather than at every cold start (cpython-313 .pyc are architecture-independent).
	$(BIN)/python -m compileall -q -j 0 .aws-sam/build/CoreLayer/python

deploy: build ## sam deploy --guided
	$(SAM) deploy --guided

bench: $(DEV_STAMP) ## Measure the budgets in docs/performance.md; writes benchmarks/results.json
	$(BIN)/python -m benchmarks

tenant: $(RUN_STAMP) ## Create a tenant and key: make tenant NAME=acme [SCOPES="debts:write debts:read"] [CREDITS=n] [STACK=name]
	@test -n "$(NAME)" || { echo "usage: make tenant NAME=acme [SCOPES=...] [CREDITS=n] [STACK=name]"; exit 2; }
	@$(BIN)/python -m admin $(ADMIN_STACK) tenant --name "$(NAME)" --scopes "$(SCOPES)" --credits "$(CREDITS)"

key: $(RUN_STAMP) ## Add a key to a tenant: make key TENANT=<id> [SCOPES=...] [STACK=name]
	@test -n "$(TENANT)" || { echo "usage: make key TENANT=<id> [SCOPES=...]"; exit 2; }
	@$(BIN)/python -m admin $(ADMIN_STACK) key --tenant "$(TENANT)" --scopes "$(SCOPES)"

revoke: $(RUN_STAMP) ## Revoke a key (401 from then on): make revoke TENANT=<id> KEY=<key, key id or hash prefix> [STACK=name]
	@test -n "$(TENANT)" -a -n "$(KEY)" || { echo "usage: make revoke TENANT=<id> KEY=<key, key_... id or 8+ hex of its sha256>"; exit 2; }
	@$(BIN)/python -m admin $(ADMIN_STACK) revoke --tenant "$(TENANT)" --key "$(KEY)"

credits: $(RUN_STAMP) ## Add credits: make credits TENANT=<id> AMOUNT=<n> [STACK=name]
	@test -n "$(TENANT)" -a -n "$(AMOUNT)" || { echo "usage: make credits TENANT=<id> AMOUNT=<n>"; exit 2; }
	@$(BIN)/python -m admin $(ADMIN_STACK) credits --tenant "$(TENANT)" --amount "$(AMOUNT)"

invoke: $(RUN_STAMP) ## Run one function on an event offline, as sam local invoke would: make invoke FUNCTION=ApiFunction EVENT=events/api_health.json
	@test -n "$(FUNCTION)" -a -n "$(EVENT)" || { echo "usage: make invoke FUNCTION=<LogicalId> EVENT=events/<file>.json"; exit 2; }
	@$(BIN)/python -m devstack.invoke "$(FUNCTION)" "$(EVENT)"

clean: ## Remove .venv, node_modules and build output
	rm -rf $(VENV) node_modules .aws-sam .pytest_cache .mypy_cache .ruff_cache
