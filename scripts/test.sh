#!/usr/bin/env bash
# test.sh installs what is missing (scripts/setup.sh) and runs every test against the
# real components: Tesseract, PostgreSQL on 127.0.0.1:5432, a MinIO server started by
# the tests, Chromium. A component that cannot be had fails the run, never skips.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
export PATH="$(go env GOPATH)/bin:$PATH"
export OMP_THREAD_LIMIT=1   # Tesseract: one thread per client; papergate runs workers in parallel
scripts/postgres.sh         # makes sure a PostgreSQL answers; exports nothing, fails loudly

echo "== gofmt" >&2
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
  echo "gofmt would change: $unformatted" >&2
  exit 1
fi
echo "== go vet" >&2
go vet ./...
echo "== go test" >&2
go test -count=1 -timeout 75m "$@" ./...
