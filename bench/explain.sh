#!/usr/bin/env bash
# The query plans (EXPLAIN ANALYZE, with buffers) behind the list screens and dashboards, as the
# service really issues them, on a database a bench run kept:
#
#   cargo run --release -- bench --store postgres --requests 1000000 --keep
#   bench/explain.sh khaki_bench_<time> > bench/plans/postgres-1000000.txt
#
# It turns on auto_explain for that database only, serves it on a spare port, calls each screen
# once to warm it and once to record it, and prints the plans PostgreSQL logged for the second
# call (the followers' polling left out). Needs the server's log file (Debian's path by default).
set -euo pipefail
cd "$(dirname "$0")/.."

database=${1:?usage: bench/explain.sh DATABASE}
server=${KHAKI_BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432}
log=${POSTGRES_LOG:-$(ls /var/log/postgresql/postgresql-*-main.log | tail -n 1)}
port=18181
khaki=target/release/khaki
[ -x "$khaki" ] || cargo build --release -p khaki-api >&2

psql "$server/postgres" -q \
    -c "ALTER DATABASE $database SET session_preload_libraries = 'auto_explain'" \
    -c "ALTER DATABASE $database SET auto_explain.log_min_duration = 0" \
    -c "ALTER DATABASE $database SET auto_explain.log_analyze = on" \
    -c "ALTER DATABASE $database SET auto_explain.log_buffers = on"
data=$(mktemp -d)
KHAKI_LOG=warn "$khaki" --database-url "$server/$database" --data "$data" serve --listen "127.0.0.1:$port" >/dev/null 2>&1 &
served=$!
cleanup() {
    kill "$served" 2>/dev/null || true
    psql "$server/postgres" -q -c "ALTER DATABASE $database RESET ALL"
    rm -rf "$data"
}
trap cleanup EXIT
for _ in $(seq 1 100); do curl -sf "127.0.0.1:$port/health" >/dev/null && break; sleep 0.2; done

token() {
    curl -sf "127.0.0.1:$port/api/v1/session" -H 'content-type: application/json' \
        -d "{\"username\":\"$1\",\"password\":\"khaki-bench\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}
manager=$(token bench.facility-manager.0)
plumber=$(token bench.plumber.0)
accountant=$(token bench.accountant.0)
resident=$(token bench.resident.0)

screen() {
    local name=$1 who=$2 path=$3
    curl -sf -o /dev/null "127.0.0.1:$port$path" -H "authorization: Bearer $who"
    sleep 0.2
    local start
    start=$(wc -c <"$log")
    curl -sf -o /dev/null -w "== $name: GET $path (%{time_total} s over HTTP)\n" "127.0.0.1:$port$path" -H "authorization: Bearer $who"
    sleep 0.3
    # One plan per "duration:" entry; the followers' polling of the log and checkpoints is noise here.
    tail -c +$((start + 1)) "$log" | sed 's/^.*UTC \[[0-9]*\] [^ ]* //' | awk '
        /^LOG:  duration:/ { if (plan != "" && plan !~ /projection_checkpoints|pg_try_advisory|FROM events/) print plan; plan = $0; next }
        /^(LOG|STATEMENT|DETAIL):/ { if (plan != "" && plan !~ /projection_checkpoints|pg_try_advisory|FROM events/) print plan; plan = ""; next }
        plan != "" { plan = plan "\n" $0 }
        END { if (plan != "" && plan !~ /projection_checkpoints|pg_try_advisory|FROM events/) print plan }'
    echo
}

screen manager-list "$manager" '/api/v1/requests?status=assigned&status=in_progress&status=acknowledged&search=tap&order=submitted&limit=25'
screen resident-list "$resident" '/api/v1/requests?limit=25'
screen dashboard-manager "$manager" /api/v1/dashboards/facility-manager
screen dashboard-staff "$plumber" /api/v1/dashboards/staff
screen dashboard-accountant "$accountant" /api/v1/dashboards/accountant
screen dashboard-resident "$resident" /api/v1/dashboards/resident
