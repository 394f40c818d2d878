#!/usr/bin/env bash
# Builds SGUL, loads the demo into a temporary data dir, serves it on a free port and runs
# the SDK tests against it. Used by `make test` (target e2e).
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=auto CGO_ENABLED=0
dir=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
go build -trimpath -ldflags "-s -w" -o "$dir/sgul" .
"$dir/sgul" demo --dir "$dir/pb_data" >/dev/null
"$dir/sgul" serve --dir "$dir/pb_data" --http "127.0.0.1:$port" >"$dir/serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$port/api/health" >/dev/null && break; sleep 0.2; done
cd e2e
[ -d node_modules ] || npm ci --no-audit --no-fund
SGUL_URL="http://127.0.0.1:$port" node --test sdk/
