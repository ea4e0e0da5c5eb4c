#!/usr/bin/env bash
# Access-control benchmark: what a role limited to some folders pays for its
# narrowing, and what authentication costs per request.
#
# For each metadata engine (SQLite, and PostgreSQL when reachable), one space is
# filled with ASSETS assets (default 100000; written straight into the database
# in bulk) spread over 10 top-level folders, one of which holds 5 subfolders.
# Then, ROUNDS rounds (default 3) of READS requests each (default 50), the
# callers rotated inside each round:
#   1. A page of 20 assets with its count (GET /api/spaces/{space}/assets?limit=20)
#      as a Product Admin who owns the space, and as a member whose custom role
#      reads only that one folder and everything below it (a tenth of the
#      library). The median of each round is kept; the report gives the median of
#      the rounds and the ratio restricted / admin.
#   2. The same page as an asset manager (a built-in role: no narrowing), to show
#      what resolving a member's standing costs.
#   3. Delivery of a public file URL, which reads no credential at all: the
#      median of READS requests, next to the same URL with a (ignored) bearer
#      token, so any cost of authentication on the delivery path would show.
#
# Usage (from the repository root):  bench/access.sh [--no-pg]
# Environment: ASSETS, ROUNDS, READS as above; BENCH_DIR (parent of the temporary
# directory, default ./target); BENCH_PG_URL (default
# postgres://postgres@127.0.0.1:5432; a database trove_bench_access is created
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
ASSETS="${ASSETS:-100000}"
ROUNDS="${ROUNDS:-3}"
READS="${READS:-50}"
PG_URL="${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432}"
TOKEN="trove_bench_access_token_0123456789abc"
PORT="${BENCH_PORT:-18432}"
BASE="http://127.0.0.1:$PORT"
PASSWORD="correct horse battery staple 42"

for tool in curl jq sqlite3; do
    command -v "$tool" >/dev/null || { echo "error: $tool is required" >&2; exit 1; }
done
if [ "$PG" = yes ] && ! pg_isready -q -d "$PG_URL/postgres" 2>/dev/null; then
    echo "PostgreSQL is not reachable at $PG_URL: measuring SQLite only" >&2
    PG=no
fi

cargo build --release -q -p trove
BIN="${CARGO_TARGET_DIR:-$REPO/target}/release/trove"
mkdir -p "${BENCH_DIR:-$REPO/target}"
TMP=$(mktemp -d "${BENCH_DIR:-$REPO/target}/bench-access.XXXXXX")
SERVER=""
cleanup() {
    [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null
    if [ "$PG" = yes ]; then
        psql -q "$PG_URL/postgres" -c "DROP DATABASE IF EXISTS trove_bench_access WITH (FORCE)" >/dev/null 2>&1 || true
    fi
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
ms() { awk '{printf "%.2f", $1 * 1000}'; }
sql() {
    if [ "$ENGINE" = sqlite ]; then sqlite3 -bail "$DATA/trove.db" "PRAGMA busy_timeout=60000;" "$1" >/dev/null
    else psql -q -v ON_ERROR_STOP=1 "$DB_URL" -c "$1" >/dev/null; fi
}
api() { # api METHOD PATH [BODY] as the admin
    curl -sf -X "$1" "$BASE$2" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' ${3:+-d "$3"}
}

# Fills SPACE with ASSETS assets, asset i in folder FOLDERS[i % 15].
populate() {
    local hash cases="CASE"
    hash=$(printf 'bench' | sha256sum | cut -d' ' -f1)
    for k in "${!FOLDERS[@]}"; do cases="$cases WHEN i % ${#FOLDERS[@]} = $k THEN '${FOLDERS[$k]}'"; done
    cases="$cases END"
    local series="WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $ASSETS)"
    sql "INSERT INTO blobs (hash, size, created_at) VALUES ('$hash', 5, 0) ON CONFLICT DO NOTHING"
    sql "$series INSERT INTO assets (space_uid, uid, slug, slug_is_custom, created_by, created_at)
         SELECT '$SPACE', 'ambench' || i, 'f' || i || '.txt', 0, 'bench', i FROM s"
    sql "$series INSERT INTO files (uid, space_uid, asset_uid, blob_hash, file_name, content_type, size, width, height, created_by, created_at)
         SELECT 'flbench' || i, '$SPACE', 'ambench' || i, '$hash', 'f' || i || '.txt', 'text/plain', 5, NULL, NULL, 'bench', i FROM s"
    sql "$series INSERT INTO workspace_assets (space_uid, workspace_uid, asset_uid, seq, superseded_seq, tombstone, parent_uid, deleted_by, deleted_at, trashed_with, locales)
         SELECT '$SPACE', 'main', 'ambench' || i, 1, NULL, 0, $cases, NULL, NULL, NULL, ',en-us,' FROM s"
    sql "$series INSERT INTO asset_locales (space_uid, workspace_uid, asset_uid, locale, seq, superseded_seq, tombstone, head_version, first_version)
         SELECT '$SPACE', 'main', 'ambench' || i, 'en-us', 1, NULL, 0, 1, 1 FROM s"
    sql "$series INSERT INTO asset_versions (space_uid, workspace_uid, asset_uid, locale, number, seq, title, description, tags, custom, file_uid, merged_from, created_by, created_at)
         SELECT '$SPACE', 'main', 'ambench' || i, 'en-us', 1, 1, 'title ' || i, NULL, '[]', '{}', 'flbench' || i, NULL, 'bench', i FROM s"
    sql "ANALYZE"
}

timed() { # timed TOKEN URL
    if [ -n "$1" ]; then curl -s -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $1" "$2"
    else curl -s -o /dev/null -w '%{time_total}\n' "$2"; fi
}

ENGINES=(sqlite)
[ "$PG" = yes ] && ENGINES+=(postgres)

echo "## Access control"
echo
echo "Command: \`bench/access.sh\` (ASSETS=$ASSETS ROUNDS=$ROUNDS READS=$READS)"
echo "Commit: $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (with uncommitted changes)'); $(nproc) CPUs; load before: $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%Y-%m-%d)"
echo
echo "### A page of 20 with its count at $ASSETS assets (medians of $ROUNDS rounds of $READS, ms)"
echo
echo "| engine | admin (owner) | asset manager | folder-restricted role (sees $((ASSETS * 6 / 15)) of $ASSETS) | restricted / admin | rounds: admin / restricted |"
echo "|---|---:|---:|---:|---:|---|"
DELIVERY_ROWS=()
for ENGINE in "${ENGINES[@]}"; do
    DATA="$TMP/$ENGINE"
    mkdir -p "$DATA"
    if [ "$ENGINE" = sqlite ]; then
        DB_URL="sqlite://$DATA/trove.db?mode=rwc"
    else
        psql -q "$PG_URL/postgres" -c "DROP DATABASE IF EXISTS trove_bench_access WITH (FORCE)" >/dev/null
        psql -q "$PG_URL/postgres" -c "CREATE DATABASE trove_bench_access" >/dev/null
        DB_URL="$PG_URL/trove_bench_access"
    fi
    start "$DATA" "$DB_URL"
    SPACE=$(api POST /api/spaces '{"title":"bench"}' | jq -r .space.uid)
    FOLDERS=()
    for k in $(seq 1 10); do FOLDERS+=("$(api POST "/api/spaces/$SPACE/folders" "{\"title\":\"top $k\"}" | jq -r .folder.uid)"); done
    SHOWN="${FOLDERS[2]}"
    for k in $(seq 1 5); do FOLDERS+=("$(api POST "/api/spaces/$SPACE/folders" "{\"title\":\"sub $k\",\"parent_uid\":\"$SHOWN\"}" | jq -r .folder.uid)"); done
    populate
    ROLE=$(api POST "/api/spaces/$SPACE/roles" "{\"name\":\"Reader\",\"workspaces\":[\"main\"],\"rules\":[{\"module\":\"asset\",\"folders\":[\"$SHOWN\"],\"acl\":{\"read\":true}}]}" | jq -r .role.uid)
    user_token() { # user_token EMAIL ROLE
        local uid
        uid=$(api POST /api/users "{\"email\":\"$1\",\"name\":\"Bench\",\"password\":\"$PASSWORD\",\"org_role\":\"member\"}" | jq -r .user.uid)
        api PUT "/api/spaces/$SPACE/members/$uid" "{\"roles\":[\"$2\"]}" >/dev/null
        api POST /api/tokens "{\"name\":\"bench\",\"user_uid\":\"$uid\"}" | jq -r .token.secret
    }
    READER=$(user_token reader@example.com "$ROLE")
    MANAGER=$(user_token manager@example.com asset_manager)
    URL="$BASE/api/spaces/$SPACE/assets?limit=20"
    count_admin=$(curl -s "$URL" -H "Authorization: Bearer $TOKEN" | jq .count)
    count_reader=$(curl -s "$URL" -H "Authorization: Bearer $READER" | jq .count)
    [ "$count_admin" = "$ASSETS" ] || { echo "error: the admin sees $count_admin assets" >&2; exit 1; }
    want=$(( ASSETS * 6 / 15 ))
    [ $(( count_reader - want )) -le 6 ] && [ $(( want - count_reader )) -le 6 ] ||
        { echo "error: the reader sees $count_reader assets, expected about $want" >&2; exit 1; }
    # Warm both paths.
    for _ in $(seq 1 5); do timed "$TOKEN" "$URL" >/dev/null; timed "$READER" "$URL" >/dev/null; done
    A=(); M=(); R=()
    for _ in $(seq 1 "$ROUNDS"); do
        a=(); m=(); r=()
        for _ in $(seq 1 "$READS"); do
            a+=("$(timed "$TOKEN" "$URL")"); m+=("$(timed "$MANAGER" "$URL")"); r+=("$(timed "$READER" "$URL")")
        done
        A+=("$(printf '%s\n' "${a[@]}" | median)"); M+=("$(printf '%s\n' "${m[@]}" | median)"); R+=("$(printf '%s\n' "${r[@]}" | median)")
    done
    ma=$(printf '%s\n' "${A[@]}" | median); mm=$(printf '%s\n' "${M[@]}" | median); mr=$(printf '%s\n' "${R[@]}" | median)
    ratio=$(awk -v r="$mr" -v a="$ma" 'BEGIN {printf "%.2f", r / a}')
    rounds=$(for k in "${!A[@]}"; do printf '%s/%s ' "$(echo "${A[$k]}" | ms)" "$(echo "${R[$k]}" | ms)"; done)
    echo "| $ENGINE | $(echo "$ma" | ms) | $(echo "$mm" | ms) | $(echo "$mr" | ms) ($count_reader assets) | $ratio× | $rounds|"

    # Delivery of a public file: no credential is read on this path.
    printf 'hello' >"$TMP/hello.txt"
    FILE_URL=$(curl -s -X POST "$BASE/api/spaces/$SPACE/assets" -H "Authorization: Bearer $TOKEN" \
        -F "file=@$TMP/hello.txt" | jq -r .asset.url)
    case "$FILE_URL" in http*) ;; *) FILE_URL="$BASE$FILE_URL" ;; esac
    for _ in $(seq 1 5); do timed "" "$FILE_URL" >/dev/null; done
    P=(); T=()
    for _ in $(seq 1 "$ROUNDS"); do
        p=(); t=()
        for _ in $(seq 1 "$READS"); do p+=("$(timed "" "$FILE_URL")"); t+=("$(timed "$TOKEN" "$FILE_URL")"); done
        P+=("$(printf '%s\n' "${p[@]}" | median)"); T+=("$(printf '%s\n' "${t[@]}" | median)")
    done
    DELIVERY_ROWS+=("| $ENGINE | $(printf '%s\n' "${P[@]}" | median | ms) | $(printf '%s\n' "${T[@]}" | median | ms) |")
    stop
    rm -rf "$DATA"
done
echo
echo "### Public delivery of a 5-byte file (medians of $ROUNDS rounds of $READS, ms)"
echo
echo "| engine | no credential | with a bearer token (not read) |"
echo "|---|---:|---:|"
printf '%s\n' "${DELIVERY_ROWS[@]}"
echo
echo "Load after: $(cut -d' ' -f1-3 /proc/loadavg)"
