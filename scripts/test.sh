#!/usr/bin/env bash
# `make test`: lint, system and migration checks, then the whole suite against the real services.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
BIN=.venv/bin
export DJANGO_SETTINGS_MODULE=techportal.settings.test
step() { printf '\n== %s\n' "$*"; }

step "ruff"
$BIN/ruff check .
step "mypy"
$BIN/mypy techportal organisations offers matching events
step "django checks"
$BIN/python manage.py check --fail-level WARNING
$BIN/python manage.py makemigrations --check --dry-run
step "pytest"
$BIN/pytest --create-db "$@"
