# Techportal — the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
SERVICES := scripts/services.sh
export DJANGO_SETTINGS_MODULE ?= techportal.settings.base

.PHONY: help run test lint check sysdeps sysdeps-browser services stop status messages clean \
	install bench-import-duo bench-signup bench-catalogue

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

# --- installation -----------------------------------------------------------------------------

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall whenever pyproject.toml changes; the stamp records the last good install.
$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet --quiet -e ".[dev]"
	touch $@

sysdeps: ## install missing Debian packages (PostgreSQL, Redis, gettext, Node.js)
	@missing=""; \
	{ command -v pg_ctl || ls /usr/lib/postgresql/*/bin/pg_ctl; } >/dev/null 2>&1 \
		|| missing="$$missing postgresql"; \
	command -v pg_isready >/dev/null || missing="$$missing postgresql-client"; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	command -v npm >/dev/null || missing="$$missing npm"; \
	$(PYTHON) -c "import ensurepip" 2>/dev/null || python3 -c "import ensurepip" 2>/dev/null \
		|| missing="$$missing python3-venv"; \
	if [ -n "$$missing" ]; then $(call apt_install,$$missing); fi

sysdeps-browser: ## install Debian's Chromium for the browser tests
	@command -v chromium >/dev/null || $(call apt_install,chromium)

define apt_install
	echo "installing$(1) from Debian's packages"; \
	if [ "$$(id -u)" -ne 0 ]; then SUDO=sudo; fi; \
	$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(1) >/dev/null
endef

# Front-end assets come from npm (see package.json) and are served by WhiteNoise.
node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

install: sysdeps $(VENV)/.installed node_modules/.package-lock.json ## create .venv and install everything

messages: install ## compile the translations
	@DEBUG=1 $(BIN)/python manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0

# --- services ---------------------------------------------------------------------------------

services: install ## start project-local PostgreSQL and Redis (kept running)
	@$(SERVICES) up >/dev/null && $(SERVICES) status

stop: ## stop project-local PostgreSQL and Redis
	@$(SERVICES) down

status: ## show whether PostgreSQL and Redis are up
	@$(SERVICES) status

# --- the two commands -------------------------------------------------------------------------

run: install messages ## serve the site with a Celery worker and beat, on demo data
	@$(SERVICES) with scripts/run.sh $(PORT)

lint: install ## ruff and mypy
	$(BIN)/ruff check .
	$(BIN)/mypy techportal organisations offers matching events

test: install messages sysdeps-browser ## lint, migration check and the whole test suite
	@$(SERVICES) with scripts/test.sh

bench-import-duo: install ## benchmark: import 10,000 synthetic DUO school locations
	@$(SERVICES) with bash -c 'DEBUG=1 $(BIN)/python manage.py migrate --no-input -v 0 && DEBUG=1 $(BIN)/python bench/import_duo.py 10000'

# Its own database and Redis databases (bench/settings.py); gunicorn and a worker on their own.
bench-signup: install ## benchmark: 500 sign-ups against gunicorn and a Celery worker
	@$(SERVICES) with bash -c '$(BIN)/python bench/signup.py --signups 500 --concurrency 16 --worker-class gthread --workers 2 --threads 4'

# National-scale data in a database of its own, kept between runs (bench/catalogue_settings.py).
bench-catalogue: install ## benchmark: catalogue searches on 200,000 offers, full page vs bare view
	@$(SERVICES) with bash -c '$(BIN)/python bench/catalogue.py --seconds 15 --concurrency 4 16 --worker-class gthread --workers 2 --threads 4'

clean: ## stop the services and remove the virtualenv, node_modules and all local data
	$(SERVICES) purge
	rm -rf $(VENV) node_modules
