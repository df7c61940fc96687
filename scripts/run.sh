#!/usr/bin/env bash
# run.sh installs what papergate needs (scripts/setup.sh --run), builds it and serves
# the web UI, API and workers on the embedded defaults: ./data/papergate.db (SQLite)
# and ./data/objects (local object store), on http://127.0.0.1:8080. Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --run
mkdir -p bin
go build -o bin/papergate ./cmd/papergate
export OMP_THREAD_LIMIT=1
exec bin/papergate serve "$@"
