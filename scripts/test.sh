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
step "django deploy checks (production settings)"
env -u DEBUG DJANGO_SETTINGS_MODULE=techportal.settings.base TECHPORTAL_ENV_FILE=/dev/null \
    SECRET_KEY="$($BIN/python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
    ALLOWED_HOSTS=techportal.nl EMAIL_URL=smtp+tls://mailer.example.nl:587 \
    $BIN/python manage.py check --deploy --fail-level WARNING
step "pytest"
$BIN/pytest --create-db "$@"
