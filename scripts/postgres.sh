#!/usr/bin/env bash
# postgres.sh makes sure the PostgreSQL the tests use answers: PAPERGATE_TEST_PG, or by
# default postgres://postgres@127.0.0.1:5432/postgres (trust auth, as on the CI machine).
# If nothing listens on 127.0.0.1:5432 it starts the local Debian cluster, installing
# the postgresql package first if needed (trust auth for 127.0.0.1 is configured only
# on a cluster this script creates).
set -euo pipefail
url=${PAPERGATE_TEST_PG:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo

answers() { pg_isready -q -d "$url" 2>/dev/null; }
command -v pg_isready >/dev/null || { $SUDO apt-get update -qq; DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql-client >/dev/null; }
if answers; then exit 0; fi

if [ -z "${PAPERGATE_TEST_PG:-}" ]; then
  if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
    echo "postgres: installing PostgreSQL (Debian package postgresql)" >&2
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
    hba=$(ls /etc/postgresql/*/main/pg_hba.conf | head -1)
    # The first matching line wins: let the test user in from loopback without a password.
    $SUDO sed -i '1i host all postgres 127.0.0.1/32 trust' "$hba"
  fi
  ver=$(ls /etc/postgresql | head -1)
  echo "postgres: starting the local cluster $ver/main" >&2
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$ver" main start || true
  for _ in $(seq 1 30); do answers && exit 0; sleep 1; done
fi
echo "postgres: no PostgreSQL answers at $url; start one or set PAPERGATE_TEST_PG" >&2
exit 1
