#!/usr/bin/env bash
# One command to try the service: install, migrate an SQLite database under instance/, load the demo,
# and serve on http://127.0.0.1:5000 (set PORT to change it) with the background worker beside it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh requirements.txt
mkdir -p instance
# Secrets are generated once and kept under instance/ (never committed); the app reads them from there.
for name in secret_key code_secret; do
  [ -s "instance/$name" ] || .venv/bin/python -c "import secrets; print(secrets.token_hex(32))" > "instance/$name"
done
export FLASK_APP=wsgi
.venv/bin/flask db upgrade
.venv/bin/flask demo seed
PORT=${PORT:-5000}
HOST=${HOST:-127.0.0.1}  # HOST=0.0.0.0 to reach it from a phone on the same network
cat <<TXT

  Loyalty service running on http://${HOST}:${PORT}
  Admin console (管理端):     http://${HOST}:${PORT}/admin/   (admin / Admin@2026)
  API docs (interactive):    http://${HOST}:${PORT}/api/v1/docs
  OpenAPI document:          http://${HOST}:${PORT}/api/v1/openapi.json
  Sign in with the logins above (POST /api/v1/auth/login for members, /api/v1/staff/login for staff/admin).
  Background tasks run in the worker started beside the web server (flask worker).
  Stop with Ctrl-C (stops both).

TXT
# The web server and the worker run side by side; Ctrl-C (or either one ending) stops both: the worker on
# SIGINT (it lets running tasks finish), gunicorn on SIGTERM (graceful).
stop() {
  trap - INT TERM EXIT
  kill -INT "$worker" 2>/dev/null || true
  kill -TERM "$web" 2>/dev/null || true
  wait "$worker" "$web" 2>/dev/null || true
}
trap stop INT TERM EXIT
set -m  # job control: the children do not inherit an ignored SIGINT, and Ctrl-C reaches this script, which forwards it
.venv/bin/flask worker &
worker=$!
# EnvelopeWorker: gunicorn's threaded worker, answering requests it cannot parse in the API's JSON envelope.
.venv/bin/gunicorn --bind "${HOST}:${PORT}" --workers 2 --threads 4 --worker-class app.serving.EnvelopeWorker \
  --access-logfile - wsgi:app &
web=$!
wait -n "$worker" "$web" || true
