#!/usr/bin/env bash
# Localization benchmark: what delivering in a locale costs over delivering in the
# default language, with nginx serving the same file as the anchor.
#
# The organization gets fr-fr (fallback en-us) and fr-ca (fallback fr-fr), both
# enabled in `main`. For each file size (SIZES, default 1000 1000000 bytes) one
# asset is uploaded in en-us and given a French file of the same size in fr-fr;
# fr-ca stays unlocalized, so it resolves through fr-fr. Then, ROUNDS times
# (default 3), interleaved and in a rotating order so drift and warm-up hit every
# variant alike, `wrk -t2 -c64`
# for WRK_DURATION (default 5s, after a 1 s warm-up), sampling the server's CPU
# time around each run, against:
#   nginx      the same file, sendfile on (anchor)
#   default    the permanent URL without `locale` (en-us)
#   fr-fr      `?locale=fr-fr`: a localized variant with its own file
#   fr-ca      `?locale=fr-ca`: unlocalized, resolved through its fallback chain
# and reports the median requests/s and CPU µs per request of each, and each
# locale / default. A run with any failed request fails the benchmark.
# Both metadata engines are measured: SQLite (with local files), and PostgreSQL
# (with local files) when reachable; the locale work is all in metadata.
# Then, when valgrind is installed, the same four URLs (plus `?locale=en-us`) on
# SQLite under callgrind: instructions per request, which unlike requests/s do
# not move with whatever else the machine is doing (CG_N requests per batch,
# default 300; CG_ROUNDS batches, default 3; the lowest is reported).
#
# Usage (from the repository root):  bench/localization.sh [--no-pg]
# Environment: SIZES, ROUNDS, WRK_DURATION as above; BENCH_DIR (parent of the
# temporary directory, default ./target); BENCH_PG_URL (default
# postgres://postgres@127.0.0.1:5432; a database trove_bench_l10n_<n> is created
# and dropped).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO="$PWD"
PG=yes
for arg in "$@"; do
    case "$arg" in
        --no-pg) PG=no ;;
        -h | --help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) printf 'unknown argument: %s\n' "$arg" >&2; exit 2 ;;
    esac
done
SIZES="${SIZES:-1000 1000000}"
ROUNDS="${ROUNDS:-3}"
WRK_DURATION="${WRK_DURATION:-5s}"
PG_URL="${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432}"
TOKEN="trove_bench_localization_token_0123456789"
PORT="${BENCH_PORT:-18432}"
NGINX_PORT="${BENCH_NGINX_PORT:-18433}"
BASE="http://127.0.0.1:$PORT"
AUTH="Authorization: Bearer $TOKEN"

for tool in curl jq wrk nginx; do
    command -v "$tool" >/dev/null || {
        echo "error: $tool is required (Debian: apt-get install -y curl jq wrk nginx)" >&2
        exit 1
    }
done
if [ "$PG" = yes ] && ! pg_isready -q -d "$PG_URL/postgres" 2>/dev/null; then
    echo "PostgreSQL is not reachable at $PG_URL: measuring SQLite only" >&2
    PG=no
fi

cargo build --release -q -p trove
BIN="${CARGO_TARGET_DIR:-$REPO/target}/release/trove"
mkdir -p "${BENCH_DIR:-$REPO/target}"
TMP=$(mktemp -d "${BENCH_DIR:-$REPO/target}/bench-l10n.XXXXXX")
SERVER=""
NGINX_PID=""
DBS=()
cleanup() {
    [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null
    [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null
    for db in "${DBS[@]}"; do psql -q "$PG_URL/postgres" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true; done
    rm -rf "$TMP"
}
trap cleanup EXIT

start() { # start DATA_DIR DATABASE_URL
    env -u TROVE_CONFIG TROVE_BOOTSTRAP_TOKEN="$TOKEN" TROVE_DATABASE_URL="$2" RUST_LOG=warn \
        "$BIN" serve --data-dir "$1" --listen "127.0.0.1:$PORT" >"$TMP/server.log" 2>&1 &
    SERVER=$!
    for _ in $(seq 1 300); do
        curl -sf "$BASE/readyz" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    echo "error: trove did not start" >&2; cat "$TMP/server.log" >&2; exit 1
}
stop() { kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""; }
median() { sort -g | awk '{a[NR]=$1} END {if (NR==0) print "n/a"; else print a[int((NR+1)/2)]}'; }
api() { # METHOD PATH [curl args...]
    local m=$1 p=$2
    shift 2
    curl -sf -X "$m" -H "$AUTH" "$BASE$p" "$@"
}
CLK_TCK=$(getconf CLK_TCK)
cpu_ticks() { # PID... -> utime + stime of those processes, in clock ticks
    local total=0 pid
    for pid in "$@"; do total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat"))); done
    echo "$total"
}
# wrk against URL; prints "<requests/s> <server CPU µs per request>" for the server
# processes PIDS. A run with any error or non-2xx answer fails the benchmark.
measure() { # URL PIDS...
    local url=$1 out c0 c1
    shift
    wrk -t2 -c64 -d1s "$url" >/dev/null
    c0=$(cpu_ticks "$@")
    out=$(wrk -t2 -c64 -d"$WRK_DURATION" "$url")
    c1=$(cpu_ticks "$@")
    if grep -qE 'Non-2xx|Socket errors' <<<"$out"; then
        echo "error: wrk saw failed requests for $url:" >&2
        echo "$out" >&2
        exit 1
    fi
    awk -v c="$((c1 - c0))" -v hz="$CLK_TCK" '
        /^Requests\/sec:/ {rps = $2}
        / requests in / {n = $1}
        END {printf "%s %.0f\n", rps, c / hz * 1e6 / n}' <<<"$out"
}

# nginx serves the files from a directory of its own.
mkdir -p "$TMP/www" "$TMP/nginx-tmp"
{
    # Workers drop to `nobody` when started as root, which could not read the
    # 0700 temp dir: keep them as the invoking user.
    if ((EUID == 0)); then echo "user $(id -un) $(id -gn);"; fi
    cat <<EOF
worker_processes 2;
daemon off;
pid $TMP/nginx.pid;
error_log $TMP/nginx-error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    client_body_temp_path $TMP/nginx-tmp/body;
    proxy_temp_path $TMP/nginx-tmp/proxy;
    fastcgi_temp_path $TMP/nginx-tmp/fastcgi;
    uwsgi_temp_path $TMP/nginx-tmp/uwsgi;
    scgi_temp_path $TMP/nginx-tmp/scgi;
    server { listen 127.0.0.1:$NGINX_PORT; root $TMP/www; }
}
EOF
} >"$TMP/nginx.conf"
for size in $SIZES; do head -c "$size" /dev/urandom >"$TMP/www/file-$size.bin"; done
nginx -c "$TMP/nginx.conf" -p "$TMP" -e "$TMP/nginx-error.log" &
NGINX_PID=$!
sleep 0.5
mapfile -t NGINX_PIDS < <(echo "$NGINX_PID"; pgrep -P "$NGINX_PID")
for size in $SIZES; do
    cmp -s <(curl -sf "http://127.0.0.1:$NGINX_PORT/file-$size.bin") "$TMP/www/file-$size.bin" \
        || { echo "error: nginx does not serve the file" >&2; cat "$TMP/nginx-error.log" >&2; exit 1; }
done

ENGINES=(sqlite)
[ "$PG" = yes ] && ENGINES+=(postgres)
echo "## Delivery by permanent URL per locale (commit $(git rev-parse --short=12 HEAD), $(nproc) CPUs)"
echo
echo "\`wrk -t2 -c64 -d$WRK_DURATION\` after 1 s of warm-up, medians of $ROUNDS interleaved rounds: requests/s, and"
echo "the server's CPU time (user + system) per request in µs. Ratios are locale / default: requests/s"
echo "(higher is better), and CPU per request (lower is better), the steadier of the two on a machine"
echo "where wrk and the server share the CPUs."
echo
echo "| engine | file bytes | nginx req/s (CPU µs) | default en-us req/s (CPU µs) | fr-fr, own file | fr-ca, inherits via fr-fr | req/s fr-fr / default | req/s fr-ca / default | CPU fr-fr / default | CPU fr-ca / default | default / nginx req/s |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for ENGINE in "${ENGINES[@]}"; do
    DATA="$TMP/data-$ENGINE"
    mkdir -p "$DATA"
    if [ "$ENGINE" = sqlite ]; then DB_URL="sqlite://$DATA/trove.db?mode=rwc"; else
        db="trove_bench_l10n_$RANDOM"
        DBS+=("$db")
        psql -q "$PG_URL/postgres" -c "CREATE DATABASE $db" >/dev/null
        DB_URL="$PG_URL/$db"
    fi
    start "$DATA" "$DB_URL"
    api POST /api/languages -H 'Content-Type: application/json' -d '{"code":"fr-fr"}' >/dev/null
    api POST /api/languages -H 'Content-Type: application/json' -d '{"code":"fr-ca","fallback_code":"fr-fr"}' >/dev/null
    SPACE=$(api POST /api/spaces -H 'Content-Type: application/json' -d '{"title":"L10n"}' | jq -r .space.uid)
    api PUT "/api/spaces/$SPACE/workspaces/main/languages" -H 'Content-Type: application/json' \
        -d '{"languages":["en-us","fr-fr","fr-ca"]}' >/dev/null
    for size in $SIZES; do
        head -c "$size" /dev/urandom >"$TMP/fr-$size.bin"
        asset=$(api POST "/api/spaces/$SPACE/assets" -F "file=@$TMP/www/file-$size.bin") 
        uid=$(jq -r .asset.uid <<<"$asset")
        perma="http://127.0.0.1:$PORT$(jq -r .asset.permanent_url <<<"$asset")"
        api PUT "/api/spaces/$SPACE/assets/$uid?locale=fr-fr" -F "file=@$TMP/fr-$size.bin" >/dev/null
        # Each URL must deliver the bytes its locale resolves to.
        cmp -s <(curl -sf "$perma") "$TMP/www/file-$size.bin" || { echo "error: default bytes differ" >&2; exit 1; }
        cmp -s <(curl -sf "$perma?locale=fr-fr") "$TMP/fr-$size.bin" || { echo "error: fr-fr bytes differ" >&2; exit 1; }
        cmp -s <(curl -sf "$perma?locale=fr-ca") "$TMP/fr-$size.bin" || { echo "error: fr-ca bytes differ" >&2; exit 1; }
        declare -A R=() C=()
        orders=("nginx default fr ca" "nginx fr ca default" "nginx ca default fr")
        for round in $(seq 0 $((ROUNDS - 1))); do
            # Each round starts with another Trove URL, so none always runs first.
            for k in ${orders[$((round % 3))]}; do
                case $k in
                    nginx) read -r r c < <(measure "http://127.0.0.1:$NGINX_PORT/file-$size.bin" "${NGINX_PIDS[@]}") ;;
                    default) read -r r c < <(measure "$perma" "$SERVER") ;;
                    fr) read -r r c < <(measure "$perma?locale=fr-fr" "$SERVER") ;;
                    ca) read -r r c < <(measure "$perma?locale=fr-ca" "$SERVER") ;;
                esac
                R[$k]+="$r "
                C[$k]+="$c "
            done
        done
        declare -A M=() U=()
        for k in nginx default fr ca; do
            M[$k]=$(tr ' ' '\n' <<<"${R[$k]}" | grep . | median)
            U[$k]=$(tr ' ' '\n' <<<"${C[$k]}" | grep . | median)
        done
        ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", a / b}'; }
        echo "| $ENGINE | $size | ${M[nginx]} (${U[nginx]}) | ${M[default]} (${U[default]}) | ${M[fr]} (${U[fr]}) | ${M[ca]} (${U[ca]}) | $(ratio "${M[fr]}" "${M[default]}") | $(ratio "${M[ca]}" "${M[default]}") | $(ratio "${U[fr]}" "${U[default]}") | $(ratio "${U[ca]}" "${U[default]}") | $(ratio "${M[default]}" "${M[nginx]}") |"
        for k in nginx default fr ca; do echo "rounds ($ENGINE, $size B, $k): req/s ${R[$k]}| CPU µs ${C[$k]}" >&2; done
        unset R C M U
    done
    stop
done

# ---------------------------------------------------------------- instructions
# Throughput on a shared 2-core machine swings by ±20% between rounds. Instruction
# counts do not: the same server under callgrind, instrumented only while a batch
# of one URL is sent (curl, one keep-alive connection), counts what each request
# executes. Reported: the lowest of CG_ROUNDS batches (background jobs only ever
# add), per request. SQLite + files, 1000-byte files.
if ! command -v valgrind >/dev/null || ! command -v callgrind_control >/dev/null; then
    echo
    echo "Instruction counts skipped: valgrind is not installed (Debian: apt-get install -y valgrind)."
    exit 0
fi
CG_N="${CG_N:-300}"
CG_ROUNDS="${CG_ROUNDS:-3}"
CG="$TMP/callgrind"
mkdir -p "$CG"
env -u TROVE_CONFIG TROVE_BOOTSTRAP_TOKEN="$TOKEN" TROVE_DATABASE_URL="sqlite://$CG/trove.db?mode=rwc" RUST_LOG=warn \
    valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$CG/cg.out" \
    "$BIN" serve --data-dir "$CG/data" --listen "127.0.0.1:$PORT" >"$TMP/callgrind.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 600); do curl -sf "$BASE/readyz" >/dev/null 2>&1 && break; sleep 0.2; done
api POST /api/languages -H 'Content-Type: application/json' -d '{"code":"fr-fr"}' >/dev/null
api POST /api/languages -H 'Content-Type: application/json' -d '{"code":"fr-ca","fallback_code":"fr-fr"}' >/dev/null
SPACE=$(api POST /api/spaces -H 'Content-Type: application/json' -d '{"title":"L10n"}' | jq -r .space.uid)
api PUT "/api/spaces/$SPACE/workspaces/main/languages" -H 'Content-Type: application/json' \
    -d '{"languages":["en-us","fr-fr","fr-ca"]}' >/dev/null
head -c 1000 /dev/urandom >"$CG/en.bin"
head -c 1000 /dev/urandom >"$CG/fr.bin"
asset=$(api POST "/api/spaces/$SPACE/assets" -F "file=@$CG/en.bin")
uid=$(jq -r .asset.uid <<<"$asset")
perma="$BASE$(jq -r .asset.permanent_url <<<"$asset")"
api PUT "/api/spaces/$SPACE/assets/$uid?locale=fr-fr" -F "file=@$CG/fr.bin" >/dev/null
batch() { local args=() _i; for _i in $(seq 1 "$CG_N"); do args+=("$1"); done; curl -sf "${args[@]}" >/dev/null; }
cc() { callgrind_control "$@" "$SERVER" >/dev/null 2>&1; }
declare -A IR=()
QUERIES=("" "?locale=en-us" "?locale=fr-fr" "?locale=fr-ca")
for q in "${QUERIES[@]}"; do batch "$perma$q"; done
for _ in $(seq 1 "$CG_ROUNDS"); do
    for q in "${QUERIES[@]}"; do
        cc -z; cc -i on
        batch "$perma$q"
        cc -i off; cc -d
        sleep 0.3
        dump=$(ls -t "$CG"/cg.out.* | head -1)
        ir=$(awk '/^totals:/ {print $2; exit}' "$dump")
        IR[x$q]+="$((ir / CG_N)) "
    done
done
stop
min() { tr ' ' '\n' | grep . | sort -n | head -1; }
D=$(min <<<"${IR[x]}")
echo
echo "### Instructions per permanent-URL request (callgrind, SQLite + files, 1000-byte file)"
echo
echo "Lowest of $CG_ROUNDS batches of $CG_N requests each, one keep-alive connection."
echo
echo "| URL | instructions / request | / default | batches |"
echo "|---|---:|---:|---|"
for q in "${QUERIES[@]}"; do
    m=$(min <<<"${IR[x$q]}")
    echo "| \`…/{slug}${q}\` | $m | $(awk -v a="$m" -v b="$D" 'BEGIN {printf "%.3f", a / b}') | ${IR[x$q]}|"
done

