#!/usr/bin/env bash
# Fuzzes the API with schemathesis against a demo estate on the embedded store: every answer must
# be free of server errors and match the OpenAPI description the service serves.
#
#   tests/schemathesis/run.sh            (SCHEMATHESIS_SECONDS sets the time per pass, default 60)
set -euo pipefail
cd "$(dirname "$0")/../.."
target="${CARGO_TARGET_DIR:-target}"
seconds="${SCHEMATHESIS_SECONDS:-60}"

cargo build --quiet --bin khaki
venv="$target/schemathesis-venv"
if [ ! -x "$venv/bin/schemathesis" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet "schemathesis>=4,<5"
fi

data="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$target/debug/khaki" --data "$data" demo --requests 40 >/dev/null
"$target/debug/khaki" --data "$data" serve --listen "127.0.0.1:$port" 2>"$data/serve.log" &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -rf "$data"' EXIT
base="http://127.0.0.1:$port"
for _ in $(seq 1 50); do curl -fs "$base/health" >/dev/null && break; sleep 0.2; done

token_for() {
    curl -fs -X POST "$base/api/v1/session" -H 'content-type: application/json' \
        -d "{\"username\":\"$1\",\"password\":\"khaki-demo\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}

fuzz() {
    local who="$1"; shift
    echo "== schemathesis as $who"
    "$venv/bin/schemathesis" run "$base/api/openapi.json" \
        -H "Authorization: Bearer $(token_for "$who")" \
        --checks not_a_server_error,response_schema_conformance \
        --max-time "$seconds" --workers 2 --no-color "$@"
}

# The facility manager works requests; the administrator manages staff and residents. Signing out
# would end the pass's own session, so that one operation is left out.
fuzz meera.menon --include-tag requests
fuzz admin --exclude-name "DELETE /api/v1/session"
if grep -q "request failed" "$data/serve.log"; then
    echo "the server logged failures:" >&2
    grep "request failed" "$data/serve.log" >&2
    exit 1
fi
