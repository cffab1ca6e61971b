#!/usr/bin/env bash
# Starts a throwaway PostgreSQL on 127.0.0.1 (first free port from 55432) for tests/test_postgres.py and prints the URL.
# Prints nothing (and the PostgreSQL test is skipped) when the server cannot be installed.
set -u
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  (apt-get update -q && apt-get install -y -q postgresql) >/dev/null 2>&1 || exit 0
fi
bin=$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)")
data=$(mktemp -d /tmp/calmreply-pg.XXXXXX)
chown postgres "$data"
su postgres -c "$bin/initdb -D $data -A trust -U postgres" >/dev/null 2>&1 || exit 0
for port in 55432 55433 55434 55435; do
  if su postgres -c "$bin/pg_ctl -D $data -o '-p $port -k /tmp -c listen_addresses=127.0.0.1' -l $data/log -w start" >/dev/null 2>&1; then
    su postgres -c "psql -h 127.0.0.1 -p $port -U postgres -qc 'create database calmreply_test'" >/dev/null 2>&1 || exit 0
    echo "postgresql+psycopg://postgres@127.0.0.1:$port/calmreply_test"
    exit 0
  fi
done
