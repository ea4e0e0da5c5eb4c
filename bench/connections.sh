#!/usr/bin/env bash
# Connection handling benchmark: what Trove's own accept loop (connection
# time-outs, the connection cap, the idle clock) costs a permanent-URL delivery,
# against the server before it (axum::serve, commit BEFORE, default 2e99d01).
#
# Both servers are built in release mode (the old one from `git archive` of BEFORE,
# in its own target directory), run under callgrind with instrumentation switched
# on only while a batch of requests is sent, and asked CG_N times (default 300) for
# the same 1000-byte file by permanent URL:
#   keep-alive       one curl, one kept-alive connection for the whole batch
#   new connection   one curl sending `Connection: close`: a connection per request
# Instructions per request unlike requests/s do not move with whatever else the
# machine is doing; the lowest of CG_ROUNDS batches (default 3) is reported, since
# background work only ever adds. The machine's load (`uptime`) is printed too.
#
# Usage (from the repository root):  bench/connections.sh
# Environment: BEFORE (commit to compare with); CG_N, CG_ROUNDS as above;
# BEFORE_TARGET_DIR (target directory for the old build, default
# <target>/bench-before); CARGO_TARGET_DIR (for the current build); BENCH_DIR
# (parent of the temporary directory, default ./target); BENCH_PORT.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO="$PWD"
case "${1:-}" in
    -h | --help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    "") ;;
    *) printf 'unknown argument: %s\n' "$1" >&2; exit 2 ;;
esac
BEFORE="${BEFORE:-2e99d01}"
CG_N="${CG_N:-300}"
CG_ROUNDS="${CG_ROUNDS:-3}"
PORT="${BENCH_PORT:-18452}"
BASE="http://127.0.0.1:$PORT"
TOKEN="trove_bench_connections_token_0123456789"
AUTH="Authorization: Bearer $TOKEN"
TARGET="${CARGO_TARGET_DIR:-$REPO/target}"

for tool in curl jq git valgrind callgrind_control; do
    command -v "$tool" >/dev/null || {
        echo "error: $tool is required (Debian: apt-get install -y curl jq git valgrind)" >&2
        exit 1
    }
done

mkdir -p "${BENCH_DIR:-$REPO/target}"
TMP=$(mktemp -d "${BENCH_DIR:-$REPO/target}/bench-conn.XXXXXX")
SERVER=""
cleanup() {
    [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT

echo "building the current tree ($(git rev-parse --short HEAD)) and $BEFORE, release mode" >&2
cargo build --release -q -p trove
cp "$TARGET/release/trove" "$TMP/trove-after"
mkdir -p "$TMP/before-src"
git archive "$BEFORE" | tar -x -C "$TMP/before-src"
BEFORE_TARGET="${BEFORE_TARGET_DIR:-$TARGET/bench-before}"
(cd "$TMP/before-src" && CARGO_TARGET_DIR="$BEFORE_TARGET" cargo build --release -q -p trove)
cp "$BEFORE_TARGET/release/trove" "$TMP/trove-before"

api() { # METHOD PATH [curl args...]
    local m=$1 p=$2
    shift 2
    curl -sf -X "$m" -H "$AUTH" "$BASE$p" "$@"
}
cc() { callgrind_control "$@" "$SERVER" >/dev/null 2>&1; }
# batch URL [curl args...]: CG_N requests in one curl (one connection unless the
# arguments say otherwise).
batch() {
    local url=$1 args=() _i
    shift
    for _i in $(seq 1 "$CG_N"); do args+=("$url"); done
    curl -sf "$@" "${args[@]}" >/dev/null
}
min() { tr ' ' '\n' | grep . | sort -n | head -1; }

# measure NAME: runs $TMP/trove-NAME under callgrind; sets KA_NAME and NC_NAME to
# the batches' instructions per request (keep-alive, new connection).
measure() {
    local name=$1 dir="$TMP/$1" ka="" nc="" dump ir perma
    mkdir -p "$dir"
    env -u TROVE_CONFIG TROVE_BOOTSTRAP_TOKEN="$TOKEN" RUST_LOG=warn \
        valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$dir/cg.out" \
        "$TMP/trove-$name" serve --data-dir "$dir/data" --listen "127.0.0.1:$PORT" >"$dir/server.log" 2>&1 &
    SERVER=$!
    for _ in $(seq 1 600); do curl -sf "$BASE/readyz" >/dev/null 2>&1 && break; sleep 0.2; done
    curl -sf "$BASE/readyz" >/dev/null || { echo "error: $name did not start" >&2; cat "$dir/server.log" >&2; exit 1; }
    local space
    space=$(api POST /api/spaces -H 'Content-Type: application/json' -d '{"title":"Conn"}' | jq -r .space.uid)
    head -c 1000 /dev/urandom >"$dir/file.bin"
    perma="$BASE$(api POST "/api/spaces/$space/assets" -F "file=@$dir/file.bin" | jq -r .asset.permanent_url)"
    batch "$perma"
    batch "$perma" -H 'Connection: close'
    for _ in $(seq 1 "$CG_ROUNDS"); do
        for mode in ka nc; do
            cc -z
            cc -i on
            if [ "$mode" = ka ]; then batch "$perma"; else batch "$perma" -H 'Connection: close'; fi
            cc -i off
            cc -d
            sleep 0.3
            dump=$(ls -t "$dir"/cg.out.* | head -1)
            ir=$(awk '/^totals:/ {print $2; exit}' "$dump")
            if [ "$mode" = ka ]; then ka+="$((ir / CG_N)) "; else nc+="$((ir / CG_N)) "; fi
        done
    done
    kill "$SERVER"
    wait "$SERVER" 2>/dev/null || true
    SERVER=""
    printf -v "KA_$name" '%s' "$ka"
    printf -v "NC_$name" '%s' "$nc"
}

LOAD_BEFORE=$(uptime)
measure before
measure after
LOAD_AFTER=$(uptime)

row() { # LABEL BEFORE_BATCHES AFTER_BATCHES
    local b a
    b=$(min <<<"$2")
    a=$(min <<<"$3")
    awk -v l="$1" -v b="$b" -v a="$a" -v bb="$2" -v ab="$3" \
        'BEGIN {printf "| %s | %d | %d | %+.1f%% | %s/ %s|\n", l, b, a, (a - b) / b * 100, bb, ab}'
}
echo
echo "#### Instructions per permanent-URL request (callgrind, SQLite + files, 1000-byte file)"
echo
echo "Before: $BEFORE (axum::serve); after: $(git rev-parse --short HEAD) (Trove's accept loop)."
echo "Lowest of $CG_ROUNDS batches of $CG_N requests each."
echo
echo "| requests | before | after | change | batches before / after |"
echo "|---|---:|---:|---:|---|"
row "keep-alive (one connection)" "$KA_before" "$KA_after"
row "new connection per request" "$NC_before" "$NC_after"
echo
echo "Load before: $LOAD_BEFORE"
echo "Load after:  $LOAD_AFTER"
