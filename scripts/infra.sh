#!/usr/bin/env bash
# Makes sure Postgres, Redis and NATS (JetStream) answer on their standard local ports, starting
# the locally installed servers where nothing answers, and that the platform database exists.
# Used by `npm start`, `.ci/run` and the tests' CI. It only starts what is missing and says so.
set -euo pipefail

answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_for() {
  local port=$1 name=$2
  for _ in $(seq 1 50); do answers "$port" && return 0; sleep 0.2; done
  echo "infra: $name did not come up on port $port" >&2
  return 1
}

if ! answers 5432; then
  echo "infra: starting PostgreSQL (nothing answered on 5432)"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
  wait_for 5432 PostgreSQL
fi
if ! answers 6379; then
  echo "infra: starting Redis (nothing answered on 6379)"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
  wait_for 6379 Redis
fi
if ! answers 4222; then
  echo "infra: starting NATS with JetStream (nothing answered on 4222)"
  mkdir -p /var/lib/nats-server
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server
  wait_for 4222 NATS
fi

# The platform's database (DATABASE_URL's default); tests create their own per run.
for _ in $(seq 1 25); do
  psql -h 127.0.0.1 -U postgres -d postgres -Atqc 'SELECT 1' >/dev/null 2>&1 && break
  sleep 0.2
done
if ! psql -h 127.0.0.1 -U postgres -d postgres -Atqc "SELECT 1 FROM pg_database WHERE datname = 'mcp'" | grep -q 1; then
  echo "infra: creating database mcp"
  psql -h 127.0.0.1 -U postgres -d postgres -qc 'CREATE DATABASE mcp'
fi
