#!/usr/bin/env bash
# Runs Baken's test suite: on SQLite, or on PostgreSQL when BAKEN_TEST_DATABASE_URL is set
# (e.g. postgres://postgres@127.0.0.1:5432/test; each test creates a fresh database beside it).
# Installs the one tool the tests need beyond cargo: Python's aiosmtpd, a real SMTP server.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! python3 -c "import aiosmtpd" 2>/dev/null; then
  python3 -m pip install --quiet --disable-pip-version-check aiosmtpd
fi
cargo test --workspace "$@"
