#!/usr/bin/env bash
# Checks the running API against its OpenAPI document with schemathesis: every operation,
# anonymous and with the API tokens of several demo roles, with all of schemathesis' checks
# (no server errors, only declared statuses and content types, responses that match their
# schemas, invalid input refused, valid input accepted ...). On SQLite by default; on
# PostgreSQL when BAKEN_TEST_DATABASE_URL names a database (it is used as it is, so give it an
# empty one). Builds nothing: set BAKEN_BIN or build target/debug/baken first.
#
# Environment: BAKEN_BIN, BAKEN_TEST_DATABASE_URL, BAKEN_CONTRACT_EXAMPLES (examples per
# operation and phase, default 15), BAKEN_CONTRACT_PORT (default 18099).
set -euo pipefail
cd "$(dirname "$0")/.."

# In a virtual environment of its own, on Python 3.12 or later where there is one: Python
# 3.11's parser can fail inside Hypothesis ("AST constructor recursion depth mismatch").
venv="${CARGO_TARGET_DIR:-$PWD/target}/schemathesis-venv"
if [ ! -x "$venv/bin/schemathesis" ]; then
  python=python3
  for candidate in python3.13 python3.12 "$HOME"/.pyenv/versions/3.1[2-9]*/bin/python3; do
    if "$candidate" -c 'import sys, venv; assert sys.version_info >= (3, 12)' 2>/dev/null; then
      python="$candidate"
      break
    fi
  done
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check 'schemathesis==4.32.5'
fi

bin="${BAKEN_BIN:-${CARGO_TARGET_DIR:-$PWD/target}/debug/baken}"
port="${BAKEN_CONTRACT_PORT:-18099}"
examples="${BAKEN_CONTRACT_EXAMPLES:-15}"
data="$(mktemp -d)"
db_args=()
if [ -n "${BAKEN_TEST_DATABASE_URL:-}" ]; then
  db_args=(--database-url "$BAKEN_TEST_DATABASE_URL")
fi
baken() { "$bin" --data-dir "$data" "${db_args[@]}" "$@"; }

server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  rm -rf "$data"
}
trap cleanup EXIT

# No limit on public reports: the fuzzer sends hundreds from one address.
"$bin" --data-dir "$data" "${db_args[@]}" serve --demo --bind "127.0.0.1:$port" \
  --public-rate-limit 0 >"$data/server.log" 2>&1 &
server=$!
for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break
  kill -0 "$server" 2>/dev/null || { cat "$data/server.log"; exit 1; }
  sleep 0.5
done

status=0
run() {
  local who="$1"
  shift
  printf '\n--- schemathesis as %s\n' "$who"
  # Each account runs against the same data, which the runs before it changed.
  if ! "$venv/bin/schemathesis" --no-color --config-file scripts/schemathesis.toml \
    run "http://127.0.0.1:$port/api/openapi.json" \
    --checks all \
    --max-examples "$examples" \
    --seed 20261207 \
    --workers 2 \
    --request-timeout 30 \
    --suppress-health-check all \
    --warnings off \
    "$@"; then
    status=1
  fi
}

run anonymous
for role in beheerder procesregisseur jurist adviseur; do
  token="$(baken token create --user "$role@vijfheerenlanden.demo" --name contract | tail -n 1)"
  run "$role" -H "Authorization: Bearer $token"
done

if grep -q "panicked" "$data/server.log"; then
  grep -B2 -A10 "panicked" "$data/server.log"
  status=1
fi
exit "$status"
