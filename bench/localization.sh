#!/usr/bin/env bash
# Localization benchmark: what delivering in a locale costs over delivering in the
# default language, with nginx serving the same file as the anchor.
#
# The organization gets fr-fr (fallback en-us) and fr-ca (fallback fr-fr), both
# enabled in `main`. For each file size (SIZES, default 1000 1000000 bytes) one
# asset is uploaded in en-us and given a French file of the same size in fr-fr;
# fr-ca stays unlocalized, so it resolves through fr-fr. Then, ROUNDS times
# (default 3), interleaved so drift hits every variant alike, `wrk -t2 -c64`
# for WRK_DURATION (default 5s, after a 1 s warm-up) against:
#   nginx      the same file, sendfile on (anchor)
#   default    the permanent URL without `locale` (en-us)
#   fr-fr      `?locale=fr-fr`: a localized variant with its own file
#   fr-ca      `?locale=fr-ca`: unlocalized, resolved through its fallback chain
# and reports the median requests/s of each, and each locale / default.
# Both metadata engines are measured: SQLite (with local files), and PostgreSQL
# (with local files) when reachable; the locale work is all in metadata.
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
BIN="$REPO/target/release/trove"
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
rps() { # URL -> requests/s
    wrk -t2 -c64 -d1s "$1" >/dev/null
    wrk -t2 -c64 -d"$WRK_DURATION" "$1" | awk '/^Requests\/sec:/ {print $2}'
}

# nginx serves the files from a directory of its own.
mkdir -p "$TMP/www" "$TMP/nginx-tmp"
cat >"$TMP/nginx.conf" <<EOF
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
for size in $SIZES; do head -c "$size" /dev/urandom >"$TMP/www/file-$size.bin"; done
nginx -c "$TMP/nginx.conf" -p "$TMP" -e "$TMP/nginx-error.log" &
NGINX_PID=$!
sleep 0.5

ENGINES=(sqlite)
[ "$PG" = yes ] && ENGINES+=(postgres)
echo "## Delivery by permanent URL per locale (commit $(git rev-parse --short=12 HEAD), $(nproc) CPUs)"
echo
echo "\`wrk -t2 -c64 -d$WRK_DURATION\`, median requests/s of $ROUNDS interleaved rounds; ratios are locale / default."
echo
echo "| engine | file bytes | nginx | default (en-us) | fr-fr (own file) | fr-ca (inherits via fr-fr) | fr-fr / default | fr-ca / default | default / nginx |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
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
        declare -A R=()
        for _ in $(seq 1 "$ROUNDS"); do
            R[nginx]+="$(rps "http://127.0.0.1:$NGINX_PORT/file-$size.bin") "
            R[default]+="$(rps "$perma") "
            R[fr]+="$(rps "$perma?locale=fr-fr") "
            R[ca]+="$(rps "$perma?locale=fr-ca") "
        done
        declare -A M=()
        for k in nginx default fr ca; do M[$k]=$(tr ' ' '\n' <<<"${R[$k]}" | grep . | median); done
        ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", a / b}'; }
        echo "| $ENGINE | $size | ${M[nginx]} | ${M[default]} | ${M[fr]} | ${M[ca]} | $(ratio "${M[fr]}" "${M[default]}") | $(ratio "${M[ca]}" "${M[default]}") | $(ratio "${M[default]}" "${M[nginx]}") |"
        echo "rounds ($ENGINE, $size B): nginx ${R[nginx]}| default ${R[default]}| fr-fr ${R[fr]}| fr-ca ${R[ca]}" >&2
        unset R M
    done
    stop
done
