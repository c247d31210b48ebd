#!/usr/bin/env bash
# Runs Baken's test suite: on SQLite, or on PostgreSQL when BAKEN_TEST_DATABASE_URL is set
# (e.g. postgres://postgres@127.0.0.1:5432/test; each test creates a fresh database beside it).
# Installs what the tests need beyond cargo: Python's aiosmtpd (a real SMTP server) and poppler-utils
# (pdftotext and pdfinfo read back the PDFs Baken makes).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! python3 -c "import aiosmtpd" 2>/dev/null; then
  python3 -m pip install --quiet --disable-pip-version-check aiosmtpd
fi
if ! command -v pdftotext >/dev/null || ! command -v pdfinfo >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null
fi
cargo test --workspace "$@"
