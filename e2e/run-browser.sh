#!/usr/bin/env bash
# Builds SGUL, loads the demo into a temporary data dir, serves it (with the staff portal in
# pb_public/) on a free port and runs the browser tests (headless Debian chromium driven by
# playwright-core). Screenshots land in $SGUL_TEST_OUTPUT (default test-output/screenshots).
#
#   SGUL_URL=http://127.0.0.1:8090 e2e/run-browser.sh   # test a server you already run (with demo data)
#   SGUL_BIN=/path/to/sgul e2e/run-browser.sh           # use a prebuilt binary instead of building
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export GOTOOLCHAIN=auto CGO_ENABLED=0
export SGUL_TEST_OUTPUT="${SGUL_TEST_OUTPUT:-$root/test-output/screenshots}"
mkdir -p "$SGUL_TEST_OUTPUT"

# Debian's chromium (CI runs as root); the package lists may be stale on a fresh machine.
if [ ! -x /usr/bin/chromium ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends chromium || { apt-get update && apt-get install -y --no-install-recommends chromium; }
fi

if [ -z "${SGUL_URL:-}" ]; then
  dir=$(mktemp -d)
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  bin=${SGUL_BIN:-}
  if [ -z "$bin" ]; then
    bin="$dir/sgul"
    go build -trimpath -ldflags "-s -w" -o "$bin" .
  fi
  # pb_public is looked up next to the binary or in the working directory: provide both.
  ln -s "$root/pb_public" "$dir/pb_public"
  "$bin" demo --dir "$dir/pb_data" >/dev/null
  "$bin" serve --dir "$dir/pb_data" --http "127.0.0.1:$port" >"$dir/serve.log" 2>&1 &
  pid=$!
  trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; cp "$dir/serve.log" "$SGUL_TEST_OUTPUT/../serve-browser.log" 2>/dev/null; rm -rf "$dir"' EXIT
  for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$port/api/health" >/dev/null && break; sleep 0.2; done
  export SGUL_URL="http://127.0.0.1:$port"
  if ! curl -fs "$SGUL_URL/" | grep -q 'Portal del personal'; then
    echo "FATAL: $SGUL_URL/ does not serve pb_public/index.html (the binary must serve pb_public at /)" >&2
    exit 1
  fi
fi

cd e2e
[ -d node_modules/playwright-core ] && [ -d node_modules/pocketbase ] || npm ci --no-audit --no-fund
node --test --test-concurrency=1 --test-timeout=300000 browser/
