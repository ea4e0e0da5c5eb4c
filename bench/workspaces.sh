#!/usr/bin/env bash
# Workspace benchmark: what a fork costs, and what reading a fork costs.
#
# For each library size (SIZES, default 10000 100000 1000000 assets) and each
# metadata engine (SQLite, and PostgreSQL when reachable), one space of `main` is
# filled with that many assets (written straight into the database in bulk, since
# uploading a million files through HTTP would measure uploads, not forks), then:
#   1. Fork:     FORKS forks of `main` (default 5), each timed end to end over HTTP
#                (curl's time_total for POST /api/spaces/{space}/workspaces); the
#                median is reported, with the rows and bytes the forks added to the
#                database (SQLite: file size after a WAL checkpoint; PostgreSQL:
#                pg_database_size), divided by the number of forks.
#   2. Reads:    at READ_SIZE assets (default 100000): READS timed requests
#                (default 50) of a page of 20 assets with its count
#                (GET /api/spaces/{space}/assets?limit=20), and of one asset, in
#                `main`, in an untouched fork, and in a fork in which EDITS assets
#                (default 200) were edited through the API; medians reported.
#
# Usage (from the repository root):  bench/workspaces.sh [--no-pg]
# Environment: SIZES, FORKS, READS, READ_SIZE, EDITS as above; BENCH_DIR (parent of
# the temporary directory, default ./target); BENCH_PG_URL (default
# postgres://postgres@127.0.0.1:5432; a database trove_bench_ws_<n> is created
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
SIZES="${SIZES:-10000 100000 1000000}"
FORKS="${FORKS:-5}"
READS="${READS:-50}"
READ_SIZE="${READ_SIZE:-100000}"
EDITS="${EDITS:-200}"
PG_URL="${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432}"
TOKEN="trove_bench_workspaces_token_0123456789"
PORT="${BENCH_PORT:-18431}"
BASE="http://127.0.0.1:$PORT"
AUTH="Authorization: Bearer $TOKEN"

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
TMP=$(mktemp -d "${BENCH_DIR:-$REPO/target}/bench-workspaces.XXXXXX")
SERVER=""
DBS=()
cleanup() {
    [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null
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

# Runs SQL on the current engine's database.
sql() {
    if [ "$ENGINE" = sqlite ]; then sqlite3 -bail "$DATA/trove.db" "PRAGMA busy_timeout=60000;" "$1" >/dev/null
    else psql -q -v ON_ERROR_STOP=1 "$DB_URL" -c "$1" >/dev/null; fi
}
db_bytes() {
    if [ "$ENGINE" = sqlite ]; then
        sqlite3 "$DATA/trove.db" "PRAGMA busy_timeout=60000; PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
        stat -c %s "$DATA/trove.db"
    else psql -tA "$DB_URL" -c "SELECT pg_database_size(current_database())"; fi
}
db_rows() { # rows of the fork-related tables
    local q="SELECT (SELECT COUNT(*) FROM workspaces) + (SELECT COUNT(*) FROM workspace_lineage) + (SELECT COUNT(*) FROM workspace_languages)"
    if [ "$ENGINE" = sqlite ]; then sqlite3 "$DATA/trove.db" "$q"; else psql -tA "$DB_URL" -c "$q"; fi
}

# Fills SPACE's main workspace with N assets sharing one stored blob.
populate() {
    local n=$1 hash
    hash=$(printf 'bench' | sha256sum | cut -d' ' -f1)
    local series="WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $n)"
    sql "INSERT INTO blobs (hash, size, created_at) VALUES ('$hash', 5, 0) ON CONFLICT DO NOTHING"
    sql "$series INSERT INTO assets (space_uid, uid, slug, slug_is_custom, created_by, created_at)
         SELECT '$SPACE', 'ambench' || i, 'f' || i || '.txt', 0, 'bench', i FROM s"
    sql "$series INSERT INTO files (uid, space_uid, asset_uid, blob_hash, file_name, content_type, size, width, height, created_by, created_at)
         SELECT 'flbench' || i, '$SPACE', 'ambench' || i, '$hash', 'f' || i || '.txt', 'text/plain', 5, NULL, NULL, 'bench', i FROM s"
    sql "$series INSERT INTO workspace_assets (space_uid, workspace_uid, asset_uid, seq, superseded_seq, tombstone, parent_uid, deleted_by, deleted_at, trashed_with, locales)
         SELECT '$SPACE', 'main', 'ambench' || i, 1, NULL, 0, NULL, NULL, NULL, NULL, ',en-us,' FROM s"
    sql "$series INSERT INTO asset_locales (space_uid, workspace_uid, asset_uid, locale, seq, superseded_seq, tombstone, head_version, first_version)
         SELECT '$SPACE', 'main', 'ambench' || i, 'en-us', 1, NULL, 0, 1, 1 FROM s"
    sql "$series INSERT INTO asset_versions (space_uid, workspace_uid, asset_uid, locale, number, seq, title, description, tags, custom, file_uid, merged_from, created_by, created_at)
         SELECT '$SPACE', 'main', 'ambench' || i, 'en-us', 1, 1, 'title ' || i, NULL, '[]', '{}', 'flbench' || i, NULL, 'bench', i FROM s"
    sql "UPDATE spaces SET clock = 1 WHERE uid = '$SPACE'"
    if [ "$ENGINE" = postgres ]; then sql "ANALYZE"; else sql "ANALYZE"; fi
}

timed() { curl -s -o /dev/null -w '%{time_total}\n' -H "$AUTH" "$@"; }
ms() { awk '{printf "%.1f", $1 * 1000}'; }

ENGINES=(sqlite)
[ "$PG" = yes ] && ENGINES+=(postgres)

echo "## Workspace fork and fork reads"
echo
echo "Command: \`bench/workspaces.sh\` (SIZES=\"$SIZES\" FORKS=$FORKS READS=$READS READ_SIZE=$READ_SIZE EDITS=$EDITS)"
echo "Commit: $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (with uncommitted changes)'); $(nproc) CPUs; $(date -u +%Y-%m-%d)"
echo
echo "### Fork time and storage added per fork"
echo
echo "| engine | assets in main | fork, median of $FORKS (ms) | forks (ms) | rows added per fork | bytes added per fork |"
echo "|---|---:|---:|---|---:|---:|"
READ_ROWS=()
for ENGINE in "${ENGINES[@]}"; do
    for n in $SIZES; do
        DATA="$TMP/$ENGINE-$n"
        mkdir -p "$DATA"
        if [ "$ENGINE" = sqlite ]; then
            DB_URL="sqlite://$DATA/trove.db?mode=rwc"
        else
            name="trove_bench_ws_$n"
            psql -q "$PG_URL/postgres" -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null
            psql -q "$PG_URL/postgres" -c "CREATE DATABASE $name" >/dev/null
            DBS+=("$name")
            DB_URL="$PG_URL/$name"
        fi
        start "$DATA" "$DB_URL"
        SPACE=$(curl -s -X POST "$BASE/api/spaces" -H "$AUTH" -H 'Content-Type: application/json' -d '{"title":"bench"}' | jq -r .space.uid)
        populate "$n"
        count=$(curl -s "$BASE/api/spaces/$SPACE/assets?limit=1" -H "$AUTH" | jq .count)
        [ "$count" = "$n" ] || { echo "error: main holds $count assets, expected $n" >&2; exit 1; }
        bytes0=$(db_bytes); rows0=$(db_rows)
        times=()
        for k in $(seq 1 "$FORKS"); do
            t=$(timed -X POST "$BASE/api/spaces/$SPACE/workspaces" -H 'Content-Type: application/json' -d "{\"uid\":\"fork_$k\"}")
            times+=("$t")
        done
        bytes1=$(db_bytes); rows1=$(db_rows)
        fcount=$(curl -s "$BASE/api/spaces/$SPACE/assets?limit=1&workspace=fork_1" -H "$AUTH" | jq .count)
        [ "$fcount" = "$n" ] || { echo "error: the fork holds $fcount assets, expected $n" >&2; exit 1; }
        med=$(printf '%s\n' "${times[@]}" | median | ms)
        all=$(printf '%s\n' "${times[@]}" | while read -r t; do echo "$t" | ms; echo -n ' '; done)
        echo "| $ENGINE | $n | $med | $all | $(( (rows1 - rows0) / FORKS )) | $(( (bytes1 - bytes0) / FORKS )) |"

        if [ "$n" = "$READ_SIZE" ]; then
            # An edited fork: EDITS assets changed through the API.
            curl -s -o /dev/null -X POST "$BASE/api/spaces/$SPACE/workspaces" -H "$AUTH" -H 'Content-Type: application/json' -d '{"uid":"edited"}'
            for i in $(seq 1 "$EDITS"); do
                curl -s -o /dev/null -X PUT "$BASE/api/spaces/$SPACE/assets/ambench$((i * (n / EDITS)))?workspace=edited" \
                    -H "$AUTH" -H 'Content-Type: application/json' -d '{"title":"edited in the fork"}'
            done
            for ws in main fork_1 edited; do
                list=(); one=()
                for _ in $(seq 1 "$READS"); do
                    list+=("$(timed "$BASE/api/spaces/$SPACE/assets?limit=20&workspace=$ws")")
                    one+=("$(timed "$BASE/api/spaces/$SPACE/assets/ambench$((n / 2))?workspace=$ws")")
                done
                READ_ROWS+=("| $ENGINE | $ws | $(printf '%s\n' "${list[@]}" | median | ms) | $(printf '%s\n' "${one[@]}" | median | ms) |")
            done
        fi
        stop
        rm -rf "$DATA"
        if [ "$ENGINE" = postgres ]; then psql -q "$PG_URL/postgres" -c "DROP DATABASE IF EXISTS trove_bench_ws_$n WITH (FORCE)" >/dev/null; fi
    done
done
echo
echo "### Reads at $READ_SIZE assets: main vs a fork (median of $READS, ms)"
echo
echo "| engine | workspace | list 20 with count | get one asset |"
echo "|---|---|---:|---:|"
printf '%s\n' "${READ_ROWS[@]}"
