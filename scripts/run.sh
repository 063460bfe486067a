#!/usr/bin/env bash
# `make run`: migrate, load demo data, serve web + Celery worker + beat until Ctrl-C.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DEBUG="${DEBUG:-1}"
export WEB_PORT="${1:-8000}"
PY=.venv/bin/python

# One `make run` per checkout: a second would start a second beat (duplicate periodic tasks).
mkdir -p var
exec 9>var/run.lock
if ! flock -n 9; then
    echo "make run is already running in this checkout (see var/run.lock); stop it first." >&2
    exit 1
fi

$PY manage.py migrate --no-input -v 0
$PY manage.py loaddemo
cat <<MSG

  Techportal runs at http://127.0.0.1:$WEB_PORT/   (beheer: http://127.0.0.1:$WEB_PORT/beheer/)
  Health:            http://127.0.0.1:$WEB_PORT/health/
  Stop with Ctrl-C.

MSG
exec .venv/bin/honcho --no-prefix start -f Procfile
