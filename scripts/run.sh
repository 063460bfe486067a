#!/usr/bin/env bash
# `make run`: migrate, load demo data, serve web + Celery worker + beat until Ctrl-C.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DEBUG="${DEBUG:-1}"
export WEB_PORT="${1:-8000}"
PY=.venv/bin/python

$PY manage.py migrate --no-input -v 0
$PY manage.py loaddemo
cat <<MSG

  Techportal runs at http://127.0.0.1:$WEB_PORT/   (beheer: http://127.0.0.1:$WEB_PORT/beheer/)
  Health:            http://127.0.0.1:$WEB_PORT/health/
  Stop with Ctrl-C.

MSG
mkdir -p var
exec .venv/bin/honcho --no-prefix start -f Procfile
