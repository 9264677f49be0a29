# Throwaway PostgreSQL and Redis servers for one test run (sourced by scripts/test.sh): each on a free 127.0.0.1
# port, with its files under one temporary folder, stopped and deleted by stop_test_services (test.sh's EXIT trap).
# Nothing of them outlives the run, and nothing else on the machine is touched.

test_services_dir=""
postgres_data=""
redis_pidfile=""

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# PostgreSQL will not run as root: as root the cluster belongs to the postgres user Debian's package creates.
as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

ensure_test_services_dir() {
  if [ -z "$test_services_dir" ]; then
    test_services_dir=$(mktemp -d -t portal-test-services.XXXXXX)
    chmod 711 "$test_services_dir"
  fi
}

# Sets PORTAL_TEST_POSTGRES: user "portal" (trusted, on 127.0.0.1 only), allowed to create databases.
start_postgres() {
  local bin port
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  ensure_test_services_dir
  postgres_data="$test_services_dir/postgres"
  mkdir "$postgres_data"
  [ "$(id -u)" = 0 ] && chown postgres "$postgres_data"
  port=$(free_port)
  as_postgres "$bin/initdb" -D "$postgres_data" -U portal --auth=trust --no-locale -E UTF8 >/dev/null
  # Durability is worth nothing in a cluster deleted at the end of the run: fsync off makes CREATE DATABASE fast.
  as_postgres "$bin/pg_ctl" -D "$postgres_data" -l "$postgres_data/server.log" -w -s \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $postgres_data -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start
  export PORTAL_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=portal;Database=postgres"
  postgres_bin=$bin
}

# Sets PORTAL_TEST_REDIS (host:port); no persistence.
start_redis() {
  local port
  ensure_test_services_dir
  port=$(free_port)
  redis_pidfile="$test_services_dir/redis.pid"
  redis-server --bind 127.0.0.1 --port "$port" --save '' --appendonly no --daemonize yes \
    --pidfile "$redis_pidfile" --logfile "$test_services_dir/redis.log" --dir "$test_services_dir"
  for _ in $(seq 50); do
    redis-cli -p "$port" ping >/dev/null 2>&1 && break
    sleep 0.1
  done
  export PORTAL_TEST_REDIS="127.0.0.1:$port"
}

stop_test_services() {
  if [ -n "$postgres_data" ] && [ -f "$postgres_data/postmaster.pid" ]; then
    as_postgres "$postgres_bin/pg_ctl" -D "$postgres_data" -m immediate -s stop || true
  fi
  if [ -n "$redis_pidfile" ] && [ -f "$redis_pidfile" ]; then
    kill "$(cat "$redis_pidfile")" 2>/dev/null || true
  fi
  if [ -n "$test_services_dir" ]; then
    rm -rf "$test_services_dir"
  fi
}
