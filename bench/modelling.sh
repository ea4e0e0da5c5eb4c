#!/usr/bin/env bash
# Asset modelling benchmark: what validation and typed storage of custom field
# values cost a metadata edit, and what making a field mandatory costs at scale.
#
# 1. Edits. The PNG type gets 20 fields (text with a pattern, multi-line, link,
#    selects, numbers, a date, a boolean, a list, and a group of 4 with a nested
#    group), and ASSETS PNGs per loop below are uploaded with valid values; as
#    many plain-text assets (a type with no fields) are uploaded too. Then, ROUNDS times,
#    interleaved, `wrk -t2 -c16` for WRK_DURATION PUTs JSON edits, spread over
#    the assets:
#      none     `{"title": …, "description": …, "tags": […]}` on the plain-text assets
#      fields   the same edit plus `custom_metadata` with all 20 values on the PNGs,
#               as they are (validated and stored, no typed value changes)
#      one      the same, with one value (price) different in every edit
#      many     the same, with 14 of the 20 fields (17 of 27 typed values)
#               different in every edit
#    Every edit appends a version; typed value rows are written for the values
#    that changed. The report gives the median edits/s and server CPU µs per
#    edit of each loop, and each one's CPU against none, the anchor: the same
#    edit loop with no fields at all.
# 2. Mandatory later. MANY (default 100000) PNG assets are written straight into
#    the database (as the workspaces benchmark does), without the field `region`.
#    Then, timed through the API: making `region` mandatory without a default
#    (refused, 422, counting the assets it would break) and with a default
#    (accepted: the default is applied on read until each asset is next saved),
#    and one read showing the default.
# Both metadata engines are measured: SQLite, and PostgreSQL when reachable.
#
# Usage (from the repository root):  bench/modelling.sh [--no-pg]
# Environment: ASSETS (default 200), MANY (default 100000), ROUNDS (default 3),
# WRK_DURATION (default 5s), BENCH_DIR, BENCH_PG_URL as in bench/workspaces.sh;
# PERF_DIR, when set, gets a `perf record` profile of the server per measured loop
# (ENGINE-none|fields-ROUND.data; read with `perf report -i`).
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
ASSETS="${ASSETS:-200}"
MANY="${MANY:-100000}"
ROUNDS="${ROUNDS:-3}"
WRK_DURATION="${WRK_DURATION:-5s}"
PG_URL="${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432}"
TOKEN="trove_bench_modelling_token_0123456789"
PORT="${BENCH_PORT:-18452}"
BASE="http://127.0.0.1:$PORT"
AUTH="Authorization: Bearer $TOKEN"

for tool in curl jq wrk sqlite3; do
    command -v "$tool" >/dev/null || {
        echo "error: $tool is required (Debian: apt-get install -y curl jq wrk sqlite3)" >&2
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
TMP=$(mktemp -d "${BENCH_DIR:-$REPO/target}/bench-model.XXXXXX")
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
api() { # METHOD PATH JSON -> body; fails on a non-2xx answer
    curl -sf -X "$1" -H "$AUTH" -H 'Content-Type: application/json' "$BASE$2" -d "$3"
}
timed() { # METHOD PATH JSON -> "status seconds"
    curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -X "$1" -H "$AUTH" -H 'Content-Type: application/json' "$BASE$2" -d "$3"
}
CLK_TCK=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# A PNG header (8×8): enough for the sniffer, which is all an upload needs here.
printf '\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\0\x08\0\0\0\x08\x08\x06\0\0\0' >"$TMP/a.png"
printf 'plain text\n' >"$TMP/a.txt"

FIELDS='[
 {"uid":"product_id","name":"Product ID","type":"single_line","mandatory":true,"max_length":20,"regex":"^P-[0-9]+$","regex_message":"P-123"},
 {"uid":"notes","name":"Notes","type":"multi_line","max_length":2000},
 {"uid":"shop_url","name":"Shop URL","type":"link"},
 {"uid":"usage","name":"Usage","type":"select","options":["free","licensed","internal"]},
 {"uid":"channels","name":"Channels","type":"select","options":["web","print","social","tv"],"multiple_choice":true},
 {"uid":"price","name":"Price","type":"number","min":0,"max":100000},
 {"uid":"stock","name":"Stock","type":"number","integer":true},
 {"uid":"launch","name":"Launch","type":"date"},
 {"uid":"featured","name":"Featured","type":"boolean"},
 {"uid":"keywords","name":"Keywords","type":"single_line","multiple":true,"max_items":10},
 {"uid":"campaign","name":"Campaign","type":"single_line"},
 {"uid":"season","name":"Season","type":"select","options":["spring","summer","autumn","winter"]},
 {"uid":"weight","name":"Weight","type":"number"},
 {"uid":"colour","name":"Colour","type":"single_line"},
 {"uid":"approved","name":"Approved","type":"boolean"},
 {"uid":"review_date","name":"Review date","type":"date"},
 {"uid":"brand","name":"Brand","type":"single_line"},
 {"uid":"market","name":"Market","type":"select","options":["eu","us","apac"]},
 {"uid":"photographer","name":"Photographer","type":"single_line"},
 {"uid":"rights","name":"Rights","type":"group","fields":[
   {"uid":"license_id","name":"Licence","type":"single_line"},
   {"uid":"start","name":"Start","type":"date"},
   {"uid":"end","name":"End","type":"date"},
   {"uid":"holder","name":"Holder","type":"group","fields":[{"uid":"name","name":"Name","type":"single_line"}]}]}
]'
VALUES='{"product_id":"P-100","notes":"Line one\nLine two","shop_url":{"href":"https://shop.example/p/100","title":"Shop"},
 "usage":"licensed","channels":["web","print"],"price":19.5,"stock":12,"launch":"2026-03-01","featured":true,
 "keywords":["red","chair","oak"],"campaign":"Spring","season":"spring","weight":4.2,"colour":"red","approved":true,
 "review_date":"2026-06-01","brand":"Acme","market":"eu","photographer":"Studio",
 "rights":{"license_id":"L-1","start":"2026-01-01","end":"2027-01-01","holder":{"name":"Studio"}}}'

# A wrk script PUTting BODY to the assets listed in FILE, one after the other;
# each `__N__` in BODY becomes a number that grows with every request. wrk's two
# threads start half the list apart and count apart (one odd, one even).
edit_script() { # FILE BODY -> lua path
    local lua="$TMP/edit-$RANDOM.lua"
    {
        echo 'local uids = {}'
        echo "for line in io.lines(\"$1\") do uids[#uids + 1] = line end"
        echo 'local i, n = 0, 0'
        echo 'local threads = 0'
        echo 'setup = function(thread) thread:set("id", threads); threads = threads + 1 end'
        echo 'init = function() n = id; i = id * math.floor(#uids / 2) end'
        echo "local body = [==[$2]==]"
        echo 'request = function()'
        echo '  i = i % #uids + 1'
        echo '  n = n + 2'
        echo "  return wrk.format(\"PUT\", \"/api/spaces/$SPACE/assets/\" .. uids[i], {[\"Authorization\"] = \"Bearer $TOKEN\", [\"Content-Type\"] = \"application/json\"}, (body:gsub(\"__N__\", tostring(n % 90000))))"
        echo 'end'
    } >"$lua"
    echo "$lua"
}
measure() { # LUA LABEL -> "edits/s cpu_us"
    local out c0 c1 perf=""
    wrk -t2 -c16 -d1s -s "$1" "$BASE" >/dev/null
    if [ -n "${PERF_DIR:-}" ]; then
        perf record -q -F 499 -g -p "$SERVER" -o "$PERF_DIR/$2.data" 2>/dev/null &
        perf=$!
    fi
    c0=$(cpu_ticks "$SERVER")
    out=$(wrk -t2 -c16 -d"$WRK_DURATION" -s "$1" "$BASE")
    c1=$(cpu_ticks "$SERVER")
    [ -n "$perf" ] && kill -INT "$perf" && wait "$perf" || true
    if grep -qE 'Non-2xx|Socket errors' <<<"$out"; then echo "error: failed edits:" >&2; echo "$out" >&2; exit 1; fi
    awk -v c="$((c1 - c0))" -v hz="$CLK_TCK" '/^Requests\/sec:/ {r = $2} / requests in / {n = $1}
        END {printf "%s %.0f\n", r, c / hz * 1e6 / n}' <<<"$out"
}

sql() {
    if [ "$ENGINE" = sqlite ]; then sqlite3 -bail "$DATA/trove.db" "PRAGMA busy_timeout=60000;" "$1" >/dev/null
    else psql -q -v ON_ERROR_STOP=1 "$DB_URL" -c "$1" >/dev/null; fi
}
populate() { # N PNG assets straight into the database, none with a value of `region`
    local n=$1 hash series
    hash=$(printf 'bench' | sha256sum | cut -d' ' -f1)
    series="WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $n)"
    sql "INSERT INTO blobs (hash, size, created_at) VALUES ('$hash', 5, 0) ON CONFLICT DO NOTHING"
    sql "$series INSERT INTO assets (space_uid, uid, slug, slug_is_custom, created_by, created_at)
         SELECT '$SPACE', 'ambench' || i, 'f' || i || '.png', 0, 'bench', i FROM s"
    sql "$series INSERT INTO files (uid, space_uid, asset_uid, blob_hash, file_name, content_type, size, width, height, created_by, created_at, asset_type)
         SELECT 'flbench' || i, '$SPACE', 'ambench' || i, '$hash', 'f' || i || '.png', 'image/png', 5, 8, 8, 'bench', i, 'png' FROM s"
    sql "$series INSERT INTO workspace_assets (space_uid, workspace_uid, asset_uid, seq, superseded_seq, tombstone, parent_uid, deleted_by, deleted_at, trashed_with, locales)
         SELECT '$SPACE', 'main', 'ambench' || i, 1, NULL, 0, NULL, NULL, NULL, NULL, ',en-us,' FROM s"
    sql "$series INSERT INTO asset_locales (space_uid, workspace_uid, asset_uid, locale, seq, superseded_seq, tombstone, head_version, first_version)
         SELECT '$SPACE', 'main', 'ambench' || i, 'en-us', 1, NULL, 0, 1, 1 FROM s"
    sql "$series INSERT INTO asset_versions (space_uid, workspace_uid, asset_uid, locale, number, seq, title, description, alt_text, tags, custom, file_uid, merged_from, created_by, created_at)
         SELECT '$SPACE', 'main', 'ambench' || i, 'en-us', 1, 1, 'title ' || i, NULL, NULL, '[]', '{}', 'flbench' || i, NULL, 'bench', i FROM s"
    sql "UPDATE spaces SET clock = 1 WHERE uid = '$SPACE'"
    sql "ANALYZE"
}

ENGINES=(sqlite)
[ "$PG" = yes ] && ENGINES+=(postgres)
EDIT_ROWS=()
LATER_ROWS=()
for ENGINE in "${ENGINES[@]}"; do
    DATA="$TMP/$ENGINE"
    mkdir -p "$DATA"
    if [ "$ENGINE" = sqlite ]; then DB_URL="sqlite://$DATA/trove.db?mode=rwc"; else
        name="trove_bench_model_$$"
        psql -q "$PG_URL/postgres" -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null
        psql -q "$PG_URL/postgres" -c "CREATE DATABASE $name" >/dev/null
        DBS+=("$name")
        DB_URL="$PG_URL/$name"
    fi
    start "$DATA" "$DB_URL"
    uids=()
    while IFS= read -r f; do
        api POST /api/fields "$f" >/dev/null || { echo "error: field $f refused" >&2; exit 1; }
        uids+=("$(jq -r .uid <<<"$f")")
    done < <(jq -c '.[]' <<<"$FIELDS")
    api PUT /api/asset_types/png "$(jq -nc --argjson f "$(printf '%s\n' "${uids[@]}" | jq -R . | jq -sc .)" '{fields: $f, rules: []}')" >/dev/null
    SPACE=$(api POST /api/spaces '{"title":"bench"}' | jq -r .space.uid)
    # Each loop edits assets of its own, so every loop's assets gather the same
    # history (an edit's cost grows a little with its asset's number of versions).
    : >"$TMP/txt.txt"; : >"$TMP/fields.txt"; : >"$TMP/one.txt"; : >"$TMP/many.txt"
    for i in $(seq 1 "$ASSETS"); do
        for set in fields one many; do
            curl -sf -H "$AUTH" "$BASE/api/spaces/$SPACE/assets" -F "file=@$TMP/a.png;filename=$set$i.png" \
                -F "custom_metadata=$VALUES" | jq -r .asset.uid >>"$TMP/$set.txt"
        done
        curl -sf -H "$AUTH" "$BASE/api/spaces/$SPACE/assets" -F "file=@$TMP/a.txt;filename=t$i.txt" | jq -r .asset.uid >>"$TMP/txt.txt"
    done
    [ "$(jq -r .asset.asset_type <<<"$(curl -sf -H "$AUTH" "$BASE/api/spaces/$SPACE/assets/$(head -1 "$TMP/one.txt")")")" = png ] || {
        echo "error: the PNGs are not of type png" >&2; exit 1; }
    plain='{"title":"Edited","description":"An edited description","tags":["a","b"]}'
    with=$(jq -c --argjson v "$VALUES" '. + {custom_metadata: $v}' <<<"$plain")
    # Numbers to vary are written "__N__" and unquoted once the body is whole JSON.
    body() { jq -c --argjson v "$(jq -c "$1" <<<"$VALUES")" '. + {custom_metadata: $v}' <<<"$plain" | sed 's/"__N__"/__N__/g'; }
    declare -A lua=(
        [none]=$(edit_script "$TMP/txt.txt" "$plain")
        [fields]=$(edit_script "$TMP/fields.txt" "$with")
        [one]=$(edit_script "$TMP/one.txt" "$(body '.price = "__N__"')")
        [many]=$(edit_script "$TMP/many.txt" "$(body '.product_id = "P-__N__" | .notes = "Line __N__"
            | .shop_url.href = "https://shop.example/p/__N__" | .price = "__N__" | .stock = "__N__"
            | .keywords = ["k__N__", "chair", "oak"] | .campaign = "C__N__" | .weight = "__N__" | .colour = "c__N__"
            | .brand = "B__N__" | .photographer = "P__N__" | .rights.license_id = "L-__N__"
            | .rights.holder.name = "H__N__" | .featured = false')")
    )
    declare -A rps_of=() cpu_of=()
    loops=(none fields one many)
    for r in $(seq 1 "$ROUNDS"); do
        # Each round starts one loop further on, so no loop always runs first.
        for k in 0 1 2 3; do
            which=${loops[$(((k + r - 1) % 4))]}
            read -r rps cpu <<<"$(measure "${lua[$which]}" "$ENGINE-$which-$r")"
            rps_of[$which]+="$rps "; cpu_of[$which]+="$cpu "
            echo "round $r $ENGINE $which: $rps edits/s, $cpu µs CPU/edit" >&2
        done
    done
    row="| $ENGINE"
    nc=$(tr ' ' '\n' <<<"${cpu_of[none]}" | grep . | median)
    for which in "${loops[@]}"; do
        rps=$(tr ' ' '\n' <<<"${rps_of[$which]}" | grep . | median)
        cpu=$(tr ' ' '\n' <<<"${cpu_of[$which]}" | grep . | median)
        row+=" | $rps ($cpu)"
        [ "$which" = none ] || row+=" | $(awk -v a="$cpu" -v b="$nc" 'BEGIN {printf "%.2f", a / b}')"
    done
    EDIT_ROWS+=("$row |")

    # Mandatory later, at MANY assets.
    SPACE=$(api POST /api/spaces '{"title":"many"}' | jq -r .space.uid)
    stop
    populate "$MANY"
    start "$DATA" "$DB_URL"
    region='{"uid":"region","name":"Region","type":"select","options":["eu","us"]}'
    api POST /api/fields "$region" >/dev/null
    api PUT /api/asset_types/png "$(jq -nc --argjson f "$(printf '%s\n' "${uids[@]}" region | jq -R . | jq -sc .)" '{fields: $f, rules: []}')" >/dev/null
    # product_id is mandatory: the populated assets lack it too, so give it a default first.
    api PUT /api/fields/product_id "$(jq -c '.[0] + {default: "P-0"}' <<<"$FIELDS")" >/dev/null
    read -r code_no t_no <<<"$(timed PUT /api/fields/region "$(jq -c '. + {mandatory: true}' <<<"$region")")"
    [ "$code_no" = 422 ] || { echo "error: mandatory without a default answered $code_no" >&2; exit 1; }
    read -r code_yes t_yes <<<"$(timed PUT /api/fields/region "$(jq -c '. + {mandatory: true, default: "eu"}' <<<"$region")")"
    [ "$code_yes" = 200 ] || { echo "error: mandatory with a default answered $code_yes" >&2; exit 1; }
    shown=$(curl -sf -H "$AUTH" "$BASE/api/spaces/$SPACE/assets/ambench$((MANY / 2))" | jq -r .asset.custom_metadata.region)
    [ "$shown" = eu ] || { echo "error: the default is not shown ($shown)" >&2; exit 1; }
    read -r _ t_read <<<"$(curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -H "$AUTH" "$BASE/api/spaces/$SPACE/assets/ambench$((MANY / 2))")"
    LATER_ROWS+=("| $ENGINE | $MANY | $(awk -v t="$t_no" 'BEGIN {printf "%.1f", t * 1000}') | $(awk -v t="$t_yes" 'BEGIN {printf "%.1f", t * 1000}') | $(awk -v t="$t_read" 'BEGIN {printf "%.1f", t * 1000}') |")
    stop
done

echo "## Asset modelling: edits with 20 fields, and mandatory-later at $MANY assets"
echo
echo "Command: \`bench/modelling.sh\` (ASSETS=$ASSETS MANY=$MANY ROUNDS=$ROUNDS WRK_DURATION=$WRK_DURATION)"
echo "Commit: $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (with uncommitted changes)'); $(nproc) CPUs; $(date -u +%Y-%m-%d); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "### Metadata edits per second (wrk -t2 -c16, medians of $ROUNDS rounds)"
echo
echo "| engine | none: edits/s (CPU µs/edit) | fields unchanged | CPU / none | one value changed | CPU / none | 17 values changed | CPU / none |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${EDIT_ROWS[@]}"
echo
echo "### Making a field mandatory at $MANY assets (ms, through the API)"
echo
echo "| engine | assets | without default: refused with the count | with default: accepted | a read showing the default |"
echo "|---|---:|---:|---:|---:|"
printf '%s\n' "${LATER_ROWS[@]}"
