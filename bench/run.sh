#!/usr/bin/env bash
# Trove benchmark against raw anchors, side by side in one run.
#
#   1. Upload:   1 GiB multipart upload to Trove (streamed, hashed, stored) vs
#                `dd if=/dev/zero bs=1M count=1024 conv=fsync` on the same disk.
#                Trove's peak RSS is sampled every 100 ms during each upload.
#   2. Delivery: a 1,000,000-byte file over its permanent URL vs a private nginx
#                (sendfile on) serving the same file, both hammered by
#                `wrk -t2 -c64 -d10s` after a 2 s warm-up.
#   3. Two nodes: permanent-URL delivery from two `trove serve` processes on the same
#                PostgreSQL database and S3 bucket (two concurrent `wrk -t1 -c32`,
#                one per node, summed) vs one node under one `wrk -t2 -c64`.
#
# Sections 1 and 2 measure Trove in its embedded default (SQLite + local files) and,
# when PostgreSQL is reachable, also on PostgreSQL + S3: a fresh database
# trove_bench_<random> and the S3-compatible test server
# (crates/trove-blob/examples/s3_test_server.rs, s3s-fs over a directory in the
# benchmark's temp dir, on loopback). Section 3 needs PostgreSQL + S3 too.
#
# Usage (from the repository root):  bench/run.sh [--pg | --no-pg]
#   (default)  PostgreSQL + S3 parts run when `pg_isready` reaches BENCH_PG_URL,
#              and are skipped (with the reason printed) when it does not.
#   --pg       require them: fail if PostgreSQL is not reachable.
#   --no-pg    skip them: only the embedded default (SQLite + files) is measured.
# Environment:
#   BENCH_DIR     parent of the temporary directory (default: ./target, i.e. the
#                 repository's disk). Everything is removed on exit.
#   BENCH_PG      auto (default), yes or no: the same as no flag, --pg, --no-pg.
#   BENCH_PG_URL  PostgreSQL server, without a database name (default
#                 postgres://postgres@127.0.0.1:5432). The role must be able to
#                 CREATE DATABASE; the bench database is dropped on exit.
#   UPLOAD_RUNS   upload repetitions, median reported (default 3).
#   WRK_DURATION  measured wrk duration (default 10s); WRK_WARMUP (default 2s).
#   WRK_THREADS / WRK_CONNS  (default 2 / 64); the two-node run gives each of its
#                 two wrk processes half of each.
#   SETTLE_SECS   pause after `sync` before every timed write (default 6): lets
#                 ext4 commit its journal and finish online discard of the file
#                 deleted before, so dd and Trove both start from the same state.
#                 (On the VM this was written on, ext4 mounted with `discard`, a
#                 1 GiB write right after deleting the previous one was several
#                 times faster than one a few seconds later, which made whichever
#                 side ran second look faster.)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO="$PWD"

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; }

PG_MODE="${BENCH_PG:-auto}"
for arg in "$@"; do
    case "$arg" in
        --pg) PG_MODE=yes ;;
        --no-pg) PG_MODE=no ;;
        -h | --help) usage; exit 0 ;;
        *) printf 'unknown argument: %s (see --help)\n' "$arg" >&2; exit 2 ;;
    esac
done
case "$PG_MODE" in
    auto | yes | no) ;;
    *) printf 'BENCH_PG must be auto, yes or no, not %s\n' "$PG_MODE" >&2; exit 2 ;;
esac

UPLOAD_RUNS="${UPLOAD_RUNS:-3}"
WRK_DURATION="${WRK_DURATION:-10s}"
WRK_WARMUP="${WRK_WARMUP:-2s}"
WRK_THREADS="${WRK_THREADS:-2}"
WRK_CONNS="${WRK_CONNS:-64}"
SETTLE_SECS="${SETTLE_SECS:-6}"
PG_BASE="${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432}"
PG_BASE="${PG_BASE%/}"
S3_BUCKET=trove-bench
BIG_MIB=1024
SMALL_BYTES=1000000
TOKEN="bench-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"

log() { printf '[bench] %s\n' "$*" >&2; }
die() { printf '[bench] error: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- prerequisites
missing=()
for tool in nginx wrk curl; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
for tool in jq awk dd cargo git pgrep sha256sum; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if ((${#missing[@]})); then
    printf 'Missing tools: %s\n' "${missing[*]}" >&2
    printf 'On Debian/Ubuntu install them with:\n  sudo apt-get update && sudo apt-get install -y nginx wrk curl jq\n' >&2
    printf '(cargo comes from https://rustup.rs)\n' >&2
    exit 1
fi

# PostgreSQL + S3: run, require or skip.
PG=false
PG_SKIP_REASON=""
if [[ "$PG_MODE" == no ]]; then
    PG_SKIP_REASON="--no-pg (or BENCH_PG=no) was given"
elif ! command -v pg_isready >/dev/null 2>&1 || ! command -v psql >/dev/null 2>&1; then
    PG_SKIP_REASON="pg_isready/psql are not installed (apt-get install -y postgresql-client)"
elif ! pg_isready -q -d "$PG_BASE/postgres" >/dev/null 2>&1; then
    PG_SKIP_REASON="pg_isready found no PostgreSQL accepting connections at $PG_BASE (set BENCH_PG_URL)"
else
    PG=true
fi
if ! $PG; then
    [[ "$PG_MODE" == yes ]] && die "--pg: PostgreSQL + S3 part cannot run: $PG_SKIP_REASON"
    log "PostgreSQL + S3 part SKIPPED: $PG_SKIP_REASON"
    log "(only the embedded default, SQLite + local files, is measured; sections 1-2 get no PostgreSQL + S3 rows, section 3 does not run)"
fi

LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"
if awk -v l="${LOAD_START%% *}" -v n="$(nproc)" 'BEGIN { exit !(l > n / 2) }'; then
    log "warning: load average is $LOAD_START on $(nproc) CPUs; other work will skew the numbers"
fi

# ---------------------------------------------------------------- build
log "building the release binary (cargo build --release -p trove)"
cargo build --release -p trove >&2
TROVE_BIN="${CARGO_TARGET_DIR:-$REPO/target}/release/trove"
[[ -x "$TROVE_BIN" ]] || die "$TROVE_BIN was not built"
if $PG; then
    log "building the S3 test server (cargo build --release -p trove-blob --features s3-test-server --example s3_test_server)"
    cargo build --release -p trove-blob --features s3-test-server --example s3_test_server >&2
    S3_BIN="${CARGO_TARGET_DIR:-$REPO/target}/release/examples/s3_test_server"
    [[ -x "$S3_BIN" ]] || die "$S3_BIN was not built"
fi

# ---------------------------------------------------------------- temp dir + cleanup
mkdir -p "${BENCH_DIR:-$PWD/target}"
TMP="$(mktemp -d -p "${BENCH_DIR:-$PWD/target}" trove-bench.XXXXXX)"
TROVE_PIDS=()
WRK_PIDS=()
S3_PID=""
NGINX_PID=""
SAMPLER_PID=""
PG_DB=""

# Sends the signal to every given pid, waits up to 5 s for all of them, then kills
# what is left.
stop_pids() { # signal pid...
    local sig="$1" pid i alive
    shift
    for pid in "$@"; do
        [[ -n "$pid" ]] && kill -"$sig" "$pid" 2>/dev/null
    done
    for i in $(seq 1 50); do
        alive=0
        for pid in "$@"; do
            [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && alive=1
        done
        ((alive)) || break
        sleep 0.1
    done
    for pid in "$@"; do
        [[ -n "$pid" ]] || continue
        kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    done
    return 0
}
stop_pid() { stop_pids "${2:-TERM}" "$1"; } # pid [signal]

pg_admin() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$PG_BASE/postgres" "$@"; }

cleanup() {
    local rc=$? p f
    set +e
    ((rc != 0)) && log "exit status $rc: cleaning up ($(date +%T.%N | cut -c1-12))"
    [[ -n "$SAMPLER_PID" ]] && { touch "$TMP/sampler.stop" 2>/dev/null; stop_pid "$SAMPLER_PID"; }
    stop_pids INT "${WRK_PIDS[@]}"
    # Trove first (it talks to S3 and PostgreSQL while it shuts down), then S3.
    stop_pids TERM "${TROVE_PIDS[@]}"
    # SIGINT: the S3 test server removes its object directory itself (and it lives
    # in $TMP anyway).
    stop_pid "$S3_PID" INT
    stop_pid "$NGINX_PID" QUIT
    if [[ -n "$PG_DB" ]]; then
        pg_admin -c "DROP DATABASE IF EXISTS \"$PG_DB\" WITH (FORCE)" >/dev/null 2>&1 ||
            pg_admin -c "DROP DATABASE IF EXISTS \"$PG_DB\"" >/dev/null 2>&1 ||
            log "warning: could not drop database $PG_DB at $PG_BASE; drop it by hand"
    fi
    if ((rc != 0)); then
        for f in "$TMP"/*.log; do
            [[ -f "$f" ]] || continue
            echo "--- last lines of ${f##*/} ---" >&2
            tail -n 20 "$f" >&2
        done
    fi
    rm -rf "$TMP"
    ((rc != 0)) && log "cleaned up ($(date +%T.%N | cut -c1-12))"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log "temp dir: $TMP"

# ---------------------------------------------------------------- helpers
port_in_use() {
    if command -v ss >/dev/null 2>&1; then
        [[ -n "$(ss -Htln "sport = :$1" 2>/dev/null)" ]]
    else
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
    fi
}

free_port() {
    local p i
    for i in $(seq 1 200); do
        p=$((20000 + RANDOM % 40000))
        port_in_use "$p" || { echo "$p"; return 0; }
    done
    die "no free loopback port found"
}

wait_http() { # url
    local i
    for i in $(seq 1 100); do
        curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    die "$1 did not come up"
}

median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
calc() { awk "BEGIN { printf \"%.${2:-1}f\", $1 }"; }
now_ns() { date +%s%N; }
settle() { sync; sleep "$SETTLE_SECS"; }
CLK_TCK="$(getconf CLK_TCK)"
# utime + stime (clock ticks) of the given pids, summed.
cpu_ticks() {
    local total=0 pid t
    for pid in "$@"; do
        t="$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | awk '{print $12 + $13}')" || t=0
        total=$((total + ${t:-0}))
    done
    echo "$total"
}
rss_kib() { awk -v k="$2" '$1 == k":" {print $2}' "/proc/$1/status"; }

# Samples VmRSS of $1 every 100 ms into $2 (peak in KiB) until $TMP/sampler.stop exists.
sample_rss() {
    local pid="$1" out="$2" peak=0 v
    while [[ ! -e "$TMP/sampler.stop" ]] && kill -0 "$pid" 2>/dev/null; do
        v="$(rss_kib "$pid" VmRSS 2>/dev/null || echo 0)"
        ((${v:-0} > peak)) && peak="$v"
        echo "$peak" >"$out"
        sleep 0.1
    done
}

# PostgreSQL server processes serving the bench database (the Trove nodes' pools).
pg_backends() {
    pg_admin -c "SELECT pid FROM pg_stat_activity WHERE datname = '$PG_DB' AND pid <> pg_backend_pid()" | tr '\n' ' '
}

# Starts `trove serve` on a free loopback port with the given extra environment
# (NAME=value ...). Sets STARTED_PID, STARTED_URL and STARTED_TOKEN; logs go to
# $TMP/<name>.out / <name>.log. TROVE_* and AWS_* variables of the calling shell
# are not passed on, so they cannot point the benchmark elsewhere.
start_trove() { # name [NAME=value ...]
    local name="$1" i printed v
    shift
    local unset_args=()
    for v in $(compgen -e); do
        [[ "$v" == TROVE_* || "$v" == AWS_* ]] && unset_args+=(-u "$v")
    done
    env "${unset_args[@]}" "$@" TROVE_BOOTSTRAP_TOKEN="$TOKEN" "$TROVE_BIN" serve --data-dir "$TMP/$name-data" \
        --listen 127.0.0.1:0 >"$TMP/$name.out" 2>"$TMP/$name.log" &
    STARTED_PID=$!
    TROVE_PIDS+=("$STARTED_PID")
    STARTED_URL=""
    for i in $(seq 1 300); do
        STARTED_URL="$(sed -n 's#^trove listening on \(http://[^ ]*\)$#\1#p' "$TMP/$name.out" 2>/dev/null | head -n1)"
        [[ -n "$STARTED_URL" ]] && break
        kill -0 "$STARTED_PID" 2>/dev/null || die "Trove ($name) exited at startup"
        sleep 0.1
    done
    [[ -n "$STARTED_URL" ]] || die "Trove ($name) did not report its address"
    wait_http "$STARTED_URL/healthz"
    log "Trove ($name) pid $STARTED_PID at $STARTED_URL"
    # Trove prints the admin token on its first start; prefer what it printed in case
    # the preset from TROVE_BOOTSTRAP_TOKEN was not applied.
    STARTED_TOKEN="$TOKEN"
    printed="$(sed -n 's/^Use it as: Authorization: Bearer //p' "$TMP/$name.out" | head -n1)"
    if [[ -n "$printed" && "$printed" != "$TOKEN" ]]; then
        log "note: Trove ($name) did not take TROVE_BOOTSTRAP_TOKEN; using the token it printed"
        STARTED_TOKEN="$printed"
    fi
}

create_space() { # url token
    curl -sS -X POST -H "Authorization: Bearer $2" -H 'Content-Type: application/json' -d '{"title":"bench"}' \
        "$1/api/spaces" | jq -er '.space.uid'
}

# Uploads $4 as multipart part `file` named $5 to Trove at $1 (token $2, space $3);
# prints the HTTP status (body in $TMP/upload.json).
upload_status() {
    curl -sS -o "$TMP/upload.json" -w '%{http_code}' -H "Authorization: Bearer $2" \
        -F "file=@$4;filename=$5" "$1/api/spaces/$3/assets"
}

# ---------------------------------------------------------------- start Trove
# Embedded default: SQLite + local files in the data dir.
log "starting Trove (SQLite + files)"
start_trove trove
FS_PID="$STARTED_PID" FS_URL="$STARTED_URL" FS_TOKEN="$STARTED_TOKEN"
FS_SPACE="$(create_space "$FS_URL" "$FS_TOKEN")" || die "creating a space failed"

if $PG; then
    # S3 test server: its objects go to a temp dir under $TMP (same disk).
    mkdir -p "$TMP/s3"
    log "starting the S3 test server (bucket $S3_BUCKET, objects under $TMP/s3)"
    TMPDIR="$TMP/s3" "$S3_BIN" "$S3_BUCKET" >"$TMP/s3.out" 2>"$TMP/s3.log" &
    S3_PID=$!
    for i in $(seq 1 100); do
        grep -q '^BUCKET_DIR=' "$TMP/s3.out" 2>/dev/null && break
        kill -0 "$S3_PID" 2>/dev/null || die "the S3 test server exited at startup"
        sleep 0.1
    done
    grep -q '^BUCKET_DIR=' "$TMP/s3.out" || die "the S3 test server did not report its endpoint"
    mapfile -t S3_ENV < <(grep '^AWS_[A-Z_]*=' "$TMP/s3.out")
    S3_ENDPOINT="$(sed -n 's/^AWS_ENDPOINT_URL=//p' "$TMP/s3.out")"
    log "S3 test server pid $S3_PID at $S3_ENDPOINT"

    PG_DB="trove_bench_$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    pg_admin -c "CREATE DATABASE \"$PG_DB\"" >/dev/null || die "could not create database $PG_DB at $PG_BASE"
    PG_VERSION="$(pg_admin -c 'SHOW server_version' | awk '{print $1}')"
    log "database $PG_DB created (PostgreSQL $PG_VERSION)"
    PG_ENV=("TROVE_DATABASE_URL=$PG_BASE/$PG_DB" "TROVE_STORAGE_URL=s3://$S3_BUCKET" "${S3_ENV[@]}")

    # Node 1 first (it runs the migrations and creates the organization), then node 2.
    log "starting Trove node 1 (PostgreSQL + S3)"
    start_trove pg-node1 "${PG_ENV[@]}"
    PG1_PID="$STARTED_PID" PG1_URL="$STARTED_URL" PG_TOKEN="$STARTED_TOKEN"
    log "starting Trove node 2 (PostgreSQL + S3, same database and bucket)"
    start_trove pg-node2 "${PG_ENV[@]}"
    PG2_PID="$STARTED_PID" PG2_URL="$STARTED_URL"
    PG_SPACE="$(create_space "$PG1_URL" "$PG_TOKEN")" || die "creating a space on node 1 failed"
fi

# ---------------------------------------------------------------- test data
log "generating ${BIG_MIB} MiB of random data (not timed)"
gen_big() { dd if=/dev/urandom of="$TMP/big.bin" bs=1M count="$BIG_MIB" status=none; }
gen_big
# Trove refuses files whose first bytes look executable/scripted (415). Random data
# trips that very rarely; check the head once with a small upload and regenerate.
probe_ok() {
    head -c 1048576 "$TMP/big.bin" >"$TMP/probe.bin"
    code="$(upload_status "$FS_URL" "$FS_TOKEN" "$FS_SPACE" "$TMP/probe.bin" big.bin)"
    if [[ "$code" == 201 ]] && $PG; then
        code="$(upload_status "$PG1_URL" "$PG_TOKEN" "$PG_SPACE" "$TMP/probe.bin" big.bin)"
    fi
    [[ "$code" == 201 ]] && return 0
    [[ "$code" == 415 ]] || die "probe upload failed with HTTP $code: $(cat "$TMP/upload.json")"
    return 1
}
for attempt in 1 2 3 4 5; do
    probe_ok && break
    log "random head was refused as risky; regenerating"
    gen_big
done
[[ "$code" == 201 ]] || die "could not produce an acceptable random file"
BIG_BYTES="$(stat -c %s "$TMP/big.bin")"

# ---------------------------------------------------------------- 1. upload
# Per contender: MB/s, seconds of a `sync` right after, MB/s counting that sync,
# peak RSS (MiB), Trove CPU s, CPU s of the S3 server (PostgreSQL + S3 only).
dd_mbs=() dd_sync=() dd_eff=()
fs_mbs=() fs_sync=() fs_eff=() fs_peak=() fs_cpu=() fs_ocpu=()
pg_mbs=() pg_sync=() pg_eff=() pg_peak=() pg_cpu=() pg_ocpu=()

# Seconds a `sync` takes now: whatever the timed write left unwritten. dd and the
# file store fsync before they finish; s3s-fs does not fsync at all.
time_sync() {
    local s0 s1
    s0="$(now_ns)"
    sync
    s1="$(now_ns)"
    calc "($s1 - $s0) / 1e9" 2
}

run_dd() {
    rm -f "$TMP/dd.out"
    settle
    local t0 t1 s
    t0="$(now_ns)"
    dd if=/dev/zero of="$TMP/dd.out" bs=1M count="$BIG_MIB" conv=fsync status=none
    t1="$(now_ns)"
    s="$(time_sync)"
    rm -f "$TMP/dd.out"
    dd_mbs+=("$(calc "$BIG_BYTES / (($t1 - $t0) / 1e9) / 1e6")")
    dd_sync+=("$s")
    dd_eff+=("$(calc "$BIG_BYTES / (($t1 - $t0) / 1e9 + $s) / 1e6")")
}

run_trove_upload() { # prefix run url token space pid [other pids whose CPU to count...]
    local prefix="$1" run="$2" url="$3" tok="$4" space="$5" pid="$6"
    shift 6
    local -n r_mbs="${prefix}_mbs" r_sync="${prefix}_sync" r_eff="${prefix}_eff" r_peak="${prefix}_peak" \
        r_cpu="${prefix}_cpu" r_ocpu="${prefix}_ocpu"
    # A fresh tail makes every run a new blob (same code path: stage, hash,
    # promote), rather than a duplicate that Trove would discard. The head (what
    # Trove probes) stays the same.
    dd if=/dev/urandom of="$TMP/big.bin" bs=16 count=1 seek=$(((BIG_BYTES - 16) / 16)) conv=notrunc status=none
    settle
    rm -f "$TMP/sampler.stop" "$TMP/rss.peak"
    sample_rss "$pid" "$TMP/rss.peak" &
    SAMPLER_PID=$!
    local cpu0 cpu1 o0 o1 res code curl_secs got peak_kib s
    cpu0="$(cpu_ticks "$pid")"
    o0="$(cpu_ticks "$@")"
    res="$(curl -sS -o "$TMP/upload.json" -w '%{http_code} %{time_total}' \
        -H "Authorization: Bearer $tok" -F "file=@$TMP/big.bin" "$url/api/spaces/$space/assets")"
    cpu1="$(cpu_ticks "$pid")"
    o1="$(cpu_ticks "$@")"
    touch "$TMP/sampler.stop"
    wait "$SAMPLER_PID" || true
    SAMPLER_PID=""
    s="$(time_sync)"
    read -r code curl_secs <<<"$res"
    [[ "$code" == 201 ]] || die "upload run $run ($prefix) failed with HTTP $code: $(cat "$TMP/upload.json")"
    got="$(jq -r '.asset.file_size // empty' "$TMP/upload.json")"
    [[ "$got" == "$BIG_BYTES" ]] || die "Trove ($prefix) stored ${got:-?} bytes, expected $BIG_BYTES"
    r_mbs+=("$(calc "$BIG_BYTES / $curl_secs / 1e6")")
    r_sync+=("$s")
    r_eff+=("$(calc "$BIG_BYTES / ($curl_secs + $s) / 1e6")")
    peak_kib="$(cat "$TMP/rss.peak" 2>/dev/null || echo 0)"
    r_peak+=("$(calc "$peak_kib / 1024")")
    r_cpu+=("$(calc "($cpu1 - $cpu0) / $CLK_TCK" 2)")
    r_ocpu+=("$(calc "($o1 - $o0) / $CLK_TCK" 2)")
}

contenders=(dd fs)
$PG && contenders+=(pg)
for run in $(seq 1 "$UPLOAD_RUNS"); do
    # Rotate the order so no side always runs right after another's writeback (the
    # virtual disk's speed drifts).
    k=${#contenders[@]}
    for ((j = 0; j < k; j++)); do
        case "${contenders[$(((run - 1 + j) % k))]}" in
            dd) run_dd ;;
            fs) run_trove_upload fs "$run" "$FS_URL" "$FS_TOKEN" "$FS_SPACE" "$FS_PID" ;;
            pg) run_trove_upload pg "$run" "$PG1_URL" "$PG_TOKEN" "$PG_SPACE" "$PG1_PID" "$S3_PID" ;;
        esac
    done
    msg="upload run $run (load $(cut -d' ' -f1 /proc/loadavg)): dd ${dd_mbs[-1]} MB/s"
    msg+=", SQLite+files ${fs_mbs[-1]} MB/s (CPU ${fs_cpu[-1]} s, peak RSS ${fs_peak[-1]} MiB)"
    $PG && msg+=", PostgreSQL+S3 ${pg_mbs[-1]} MB/s, sync after ${pg_sync[-1]} s (Trove CPU ${pg_cpu[-1]} s, S3 server CPU ${pg_ocpu[-1]} s, peak RSS ${pg_peak[-1]} MiB)"
    log "$msg"
done
FS_HWM="$(calc "$(rss_kib "$FS_PID" VmHWM) / 1024")"
FS_IDLE="$(calc "$(rss_kib "$FS_PID" VmRSS) / 1024")"
DD_MED="$(median "${dd_mbs[@]}")"
DD_SYNC_MED="$(median "${dd_sync[@]}")"
DD_EFF_MED="$(median "${dd_eff[@]}")"
FS_MED="$(median "${fs_mbs[@]}")"
FS_SYNC_MED="$(median "${fs_sync[@]}")"
FS_EFF_MED="$(median "${fs_eff[@]}")"
FS_PEAK_MED="$(median "${fs_peak[@]}")"
FS_CPU_MED="$(median "${fs_cpu[@]}")"
FS_UP_RATIO="$(calc "$FS_MED / $DD_MED" 2)"
FS_UP_EFF_RATIO="$(calc "$FS_EFF_MED / $DD_EFF_MED" 2)"
if $PG; then
    PG_HWM="$(calc "$(rss_kib "$PG1_PID" VmHWM) / 1024")"
    PG_IDLE="$(calc "$(rss_kib "$PG1_PID" VmRSS) / 1024")"
    PG_MED="$(median "${pg_mbs[@]}")"
    PG_SYNC_MED="$(median "${pg_sync[@]}")"
    PG_EFF_MED="$(median "${pg_eff[@]}")"
    PG_PEAK_MED="$(median "${pg_peak[@]}")"
    PG_CPU_MED="$(median "${pg_cpu[@]}")"
    PG_OCPU_MED="$(median "${pg_ocpu[@]}")"
    PG_UP_RATIO="$(calc "$PG_MED / $DD_MED" 2)"
    PG_UP_EFF_RATIO="$(calc "$PG_EFF_MED / $DD_EFF_MED" 2)"
    PG_FS_UP_RATIO="$(calc "$PG_MED / $FS_MED" 2)"
fi
rm -f "$TMP/big.bin" "$TMP/probe.bin"

# ---------------------------------------------------------------- 2. delivery
log "preparing the ${SMALL_BYTES}-byte delivery file"
mkdir -p "$TMP/www"
upload_small() { # url token space -> permanent URL path (global PERMA)
    code="$(upload_status "$1" "$2" "$3" "$TMP/www/small.bin" small.bin)"
    [[ "$code" == 201 ]] || return 1
    PERMA="$(jq -er '.asset.permanent_url' "$TMP/upload.json")"
}
for attempt in 1 2 3 4 5; do
    head -c "$SMALL_BYTES" /dev/urandom >"$TMP/www/small.bin"
    upload_small "$FS_URL" "$FS_TOKEN" "$FS_SPACE" && break
    [[ "$code" == 415 ]] || die "upload of the delivery file failed with HTTP $code: $(cat "$TMP/upload.json")"
done
[[ "$code" == 201 ]] || die "could not upload the delivery file"
FS_FILE_URL="$FS_URL$PERMA"
if $PG; then
    upload_small "$PG1_URL" "$PG_TOKEN" "$PG_SPACE" ||
        die "upload of the delivery file to node 1 failed with HTTP $code: $(cat "$TMP/upload.json")"
    # The same permanent URL on both nodes: one database, one bucket.
    PG1_FILE_URL="$PG1_URL$PERMA"
    PG2_FILE_URL="$PG2_URL$PERMA"
fi

NGINX_PORT="$(free_port)"
NGINX_URL="http://127.0.0.1:$NGINX_PORT/small.bin"
CONF="$TMP/nginx.conf"
mkdir -p "$TMP/nginx-tmp"
{
    # Workers drop to `nobody` when started as root, which could not read the
    # 0700 temp dir: keep them as the invoking user.
    if ((EUID == 0)); then echo "user $(id -un) $(id -gn);"; fi
    cat <<EOF
daemon off;
master_process on;
worker_processes auto;
pid $TMP/nginx.pid;
error_log $TMP/nginx-error.log warn;

events {
    worker_connections 1024;
}

http {
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    access_log off;
    keepalive_requests 1000000;
    client_body_temp_path $TMP/nginx-tmp/client_body;
    proxy_temp_path $TMP/nginx-tmp/proxy;
    fastcgi_temp_path $TMP/nginx-tmp/fastcgi;
    uwsgi_temp_path $TMP/nginx-tmp/uwsgi;
    scgi_temp_path $TMP/nginx-tmp/scgi;

    server {
        listen 127.0.0.1:$NGINX_PORT;
        root $TMP/www;
    }
}
EOF
} >"$CONF"
log "starting nginx on 127.0.0.1:$NGINX_PORT"
nginx -t -q -c "$CONF" -p "$TMP" -e "$TMP/nginx-error.log" >&2 || die "nginx rejected $CONF"
nginx -c "$CONF" -p "$TMP" -e "$TMP/nginx-error.log" 2>>"$TMP/nginx-error.log" &
NGINX_PID=$!
wait_http "$NGINX_URL"

# Every server must serve exactly the file.
want="$(sha256sum <"$TMP/www/small.bin" | cut -d' ' -f1)"
check_urls=("$FS_FILE_URL" "$NGINX_URL")
$PG && check_urls+=("$PG1_FILE_URL" "$PG2_FILE_URL")
for url in "${check_urls[@]}"; do
    got="$(curl -fsS "$url" | sha256sum | cut -d' ' -f1)"
    [[ "$got" == "$want" ]] || die "$url does not serve the uploaded bytes"
done

# Runs wrk against each URL at once (one wrk process per URL; with N URLs each gets
# WRK_THREADS/N threads and WRK_CONNS/N connections), after a warm-up the same way.
# Writes $TMP/wrk-<name>-<i>.txt and $TMP/wrk-<name>.cpu:
#   "<server CPU s> <S3 server CPU s> <PostgreSQL CPU s> <elapsed s> <threads> <conns per wrk>"
# "server pids" (Trove or nginx) and "s3 pids" are space-separated; with pg=yes the
# PostgreSQL backends of the bench database (looked up after the warm-up) count too.
run_wrk() { # name "server pids" "s3 pids" pg(yes|no) url...
    local name="$1" tpids="$2" opids="$3" withpg="$4" ppids="" n i url c0t c0o c0p c1t c1o c1p t0 t1
    shift 4
    n=$#
    local threads="$WRK_THREADS" conns="$WRK_CONNS"
    if ((n > 1)); then
        threads=$((WRK_THREADS / n > 0 ? WRK_THREADS / n : 1))
        conns=$((WRK_CONNS / n))
    fi
    WRK_PIDS=()
    for url in "$@"; do
        wrk -t"$threads" -c"$conns" -d"$WRK_WARMUP" "$url" >/dev/null &
        WRK_PIDS+=($!)
    done
    wait "${WRK_PIDS[@]}"
    WRK_PIDS=()
    [[ "$withpg" == yes ]] && ppids="$(pg_backends)"
    # shellcheck disable=SC2086 # pid lists are meant to split
    {
        c0t="$(cpu_ticks $tpids)"
        c0o="$(cpu_ticks $opids)"
        c0p="$(cpu_ticks $ppids)"
    }
    t0="$(now_ns)"
    i=1
    for url in "$@"; do
        wrk -t"$threads" -c"$conns" -d"$WRK_DURATION" --latency "$url" >"$TMP/wrk-$name-$i.txt" &
        WRK_PIDS+=($!)
        i=$((i + 1))
    done
    wait "${WRK_PIDS[@]}"
    WRK_PIDS=()
    t1="$(now_ns)"
    # shellcheck disable=SC2086
    {
        c1t="$(cpu_ticks $tpids)"
        c1o="$(cpu_ticks $opids)"
        c1p="$(cpu_ticks $ppids)"
    }
    echo "$(calc "($c1t - $c0t) / $CLK_TCK" 2) $(calc "($c1o - $c0o) / $CLK_TCK" 2)" \
        "$(calc "($c1p - $c0p) / $CLK_TCK" 2) $(calc "($t1 - $t0) / 1e9" 2) $threads $conns" >"$TMP/wrk-$name.cpu"
}
wrk_field() { # file -> "rps p50 p99 errors requests"
    awk '
        /^Requests\/sec:/ { rps = $2 }
        /^ +50%/ { p50 = $2 }
        /^ +99%/ { p99 = $2 }
        / requests in / { reqs = $1 }
        /Non-2xx or 3xx responses:/ { err += $NF }
        /Socket errors:/ { gsub(",", ""); err += $4 + $6 + $8 + $10 }
        END { printf "%s %s %s %d %d\n", rps, p50, p99, err, reqs }' "$1"
}
# Summary of one run_wrk: sets W_RPS (sum), W_ERR (sum), W_REQS (sum), W_P50 / W_P99
# (per wrk, "/"-separated), W_ELAPSED, W_CORES (all servers, cores busy), W_TCORES /
# W_SCORES / W_PCORES (Trove or nginx / S3 server / PostgreSQL), W_US and W_TUS
# (CPU µs per request: all servers / Trove alone), W_GBS, W_SHAPE ("-tT -cC" per wrk).
wrk_summary() { # name
    local name="$1" f rps p50 p99 err reqs threads conns
    W_RPS=0 W_ERR=0 W_REQS=0 W_P50="" W_P99="" W_RPS_EACH=""
    for f in "$TMP/wrk-$name"-*.txt; do
        read -r rps p50 p99 err reqs < <(wrk_field "$f")
        W_RPS="$(calc "$W_RPS + $rps" 2)"
        W_ERR=$((W_ERR + err))
        W_REQS=$((W_REQS + reqs))
        W_P50="${W_P50:+$W_P50 / }$p50"
        W_P99="${W_P99:+$W_P99 / }$p99"
        W_RPS_EACH="${W_RPS_EACH:+$W_RPS_EACH + }$rps"
    done
    local tcpu scpu pcpu
    read -r tcpu scpu pcpu W_ELAPSED threads conns <"$TMP/wrk-$name.cpu"
    W_CORES="$(calc "($tcpu + $scpu + $pcpu) / $W_ELAPSED" 2)"
    W_TCORES="$(calc "$tcpu / $W_ELAPSED" 2)"
    W_SCORES="$(calc "$scpu / $W_ELAPSED" 2)"
    W_PCORES="$(calc "$pcpu / $W_ELAPSED" 2)"
    W_US="$(calc "($tcpu + $scpu + $pcpu) * 1e6 / $W_REQS" 0)"
    W_TUS="$(calc "$tcpu * 1e6 / $W_REQS" 0)"
    W_GBS="$(calc "$W_RPS * $SMALL_BYTES / 1e9" 2)"
    W_SHAPE="-t$threads -c$conns"
}

log "wrk against Trove, SQLite + files (load $(cut -d' ' -f1 /proc/loadavg)): $FS_FILE_URL"
run_wrk fs "$FS_PID" "" no "$FS_FILE_URL"
if $PG; then
    log "wrk against Trove node 1, PostgreSQL + S3 (load $(cut -d' ' -f1 /proc/loadavg)): $PG1_FILE_URL"
    run_wrk pg1 "$PG1_PID" "$S3_PID" yes "$PG1_FILE_URL"
    log "two wrk at once against Trove nodes 1 and 2, PostgreSQL + S3 (load $(cut -d' ' -f1 /proc/loadavg))"
    run_wrk pg2 "$PG1_PID $PG2_PID" "$S3_PID" yes "$PG1_FILE_URL" "$PG2_FILE_URL"
fi
log "wrk against nginx (load $(cut -d' ' -f1 /proc/loadavg)): $NGINX_URL"
mapfile -t NGINX_WORKERS < <(pgrep -P "$NGINX_PID")
run_wrk nginx "$NGINX_PID ${NGINX_WORKERS[*]}" "" no "$NGINX_URL"
for f in "$TMP"/wrk-*.txt; do
    printf -- '--- %s ---\n' "${f##*/}" >&2
    cat "$f" >&2
done

wrk_summary nginx
NG_RPS="$W_RPS" NG_GBS="$W_GBS" NG_P50="$W_P50" NG_P99="$W_P99" NG_ERR="$W_ERR" NG_CORES="$W_CORES" NG_US="$W_US"
wrk_summary fs
FS_RPS="$W_RPS" FS_GBS="$W_GBS" FS_P50="$W_P50" FS_P99="$W_P99" FS_ERR="$W_ERR" FS_CORES="$W_CORES" FS_US="$W_US"
FS_DL_RATIO="$(calc "$FS_RPS / $NG_RPS" 2)"
if $PG; then
    wrk_summary pg1
    P1_RPS="$W_RPS" P1_GBS="$W_GBS" P1_P50="$W_P50" P1_P99="$W_P99" P1_ERR="$W_ERR" P1_CORES="$W_CORES" P1_US="$W_US"
    P1_TCORES="$W_TCORES" P1_SCORES="$W_SCORES" P1_PCORES="$W_PCORES" P1_TUS="$W_TUS" P1_SHAPE="$W_SHAPE"
    wrk_summary pg2
    P2_RPS="$W_RPS" P2_GBS="$W_GBS" P2_P50="$W_P50" P2_P99="$W_P99" P2_ERR="$W_ERR" P2_CORES="$W_CORES" P2_US="$W_US"
    P2_TCORES="$W_TCORES" P2_SCORES="$W_SCORES" P2_PCORES="$W_PCORES" P2_TUS="$W_TUS" P2_RPS_EACH="$W_RPS_EACH"
    P2_SHAPE="$W_SHAPE"
    P1_DL_RATIO="$(calc "$P1_RPS / $NG_RPS" 2)"
    P1_FS_RATIO="$(calc "$P1_RPS / $FS_RPS" 2)"
    SCALE_RATIO="$(calc "$P2_RPS / $P1_RPS" 2)"
fi

# ---------------------------------------------------------------- report
LOAD_END="$(cut -d' ' -f1-3 /proc/loadavg)"
COMMIT="$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)"
[[ -n "$(git status --porcelain 2>/dev/null)" ]] && COMMIT="$COMMIT (working tree has uncommitted changes)"
CPU="$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)"
FSTYPE="$(df -T "$TMP" | awk 'NR == 2 {print $2}')"
MEM_GIB="$(awk '/^MemTotal:/ {printf "%.1f", $2 / 1048576}' /proc/meminfo)"
NPROC="$(nproc)"
TOOLS="$(nginx -v 2>&1 | sed 's/^nginx version: //'), wrk $(wrk -v 2>&1 | awk 'NR==1 {print $2}'), curl $(curl --version | awk 'NR==1 {print $2}')"
if $PG; then
    S3FS_VERSION="$(awk '/^name = "s3s-fs"$/ {getline; gsub(/"/, "", $3); print $3; exit}' Cargo.lock)"
    TOOLS="$TOOLS, PostgreSQL $PG_VERSION, s3s-fs ${S3FS_VERSION:-?}"
fi

cat <<EOF

## Trove benchmark results

| Machine | |
|---|---|
| Commit | \`$COMMIT\` |
| CPUs (\`nproc\`) | $NPROC |
| CPU model | ${CPU:-unknown} |
| Memory | ${MEM_GIB} GiB |
| Kernel | $(uname -r) |
| Load average (1/5/15 min) at start, at end | ${LOAD_START}; ${LOAD_END} |
| Temp dir filesystem | ${FSTYPE} (\`df -T\`) |
| Tools | ${TOOLS} |
EOF
if $PG; then
    cat <<EOF
| Back ends measured | SQLite + local files (embedded default); PostgreSQL (database \`$PG_DB\`, loopback) + S3 (s3s-fs test server on loopback, objects in the temp dir) |
EOF
else
    cat <<EOF
| Back ends measured | SQLite + local files (embedded default) only. **PostgreSQL + S3 skipped:** $PG_SKIP_REASON |
EOF
fi

cat <<EOF

### 1. Upload of ${BIG_MIB} MiB (${BIG_BYTES} bytes), median of ${UPLOAD_RUNS} runs

| | MB/s (10^6 B/s) | runs | \`sync\` right after (s) | MB/s counting that \`sync\` |
|---|---:|---|---:|---:|
| \`dd if=/dev/zero bs=1M count=${BIG_MIB} conv=fsync\` (anchor) | ${DD_MED} | ${dd_mbs[*]} | ${DD_SYNC_MED} | ${DD_EFF_MED} |
| Trove, SQLite + files: \`POST /api/spaces/{space}/assets\` (curl -F, loopback) | ${FS_MED} | ${fs_mbs[*]} | ${FS_SYNC_MED} | ${FS_EFF_MED} |
EOF
$PG && cat <<EOF
| Trove, PostgreSQL + S3: same request to node 1 | ${PG_MED} | ${pg_mbs[*]} | ${PG_SYNC_MED} | ${PG_EFF_MED} |
EOF
cat <<EOF
| **Trove SQLite + files / dd** | **${FS_UP_RATIO}** | | | **${FS_UP_EFF_RATIO}** |
EOF
$PG && cat <<EOF
| **Trove PostgreSQL + S3 / dd** | **${PG_UP_RATIO}** | | | **${PG_UP_EFF_RATIO}** |
| **Trove PostgreSQL + S3 / SQLite + files** | **${PG_FS_UP_RATIO}** | | | |
EOF
cat <<EOF

| CPU time per upload (user+sys), median | s | runs |
|---|---:|---|
| Trove, SQLite + files | ${FS_CPU_MED} | ${fs_cpu[*]} |
EOF
$PG && cat <<EOF
| Trove, PostgreSQL + S3 | ${PG_CPU_MED} | ${pg_cpu[*]} |
| S3 test server, during the PostgreSQL + S3 upload | ${PG_OCPU_MED} | ${pg_ocpu[*]} |
EOF
if $PG; then
    cat <<EOF

| Trove memory during upload, MiB | SQLite + files | PostgreSQL + S3 (node 1) |
|---|---:|---:|
| Peak VmRSS (100 ms samples), median of runs | ${FS_PEAK_MED} (runs: ${fs_peak[*]}) | ${PG_PEAK_MED} (runs: ${pg_peak[*]}) |
| VmHWM at the end (process lifetime peak) | ${FS_HWM} | ${PG_HWM} |
| VmRSS after the uploads | ${FS_IDLE} | ${PG_IDLE} |
EOF
else
    cat <<EOF

| Trove memory during upload, MiB | SQLite + files |
|---|---:|
| Peak VmRSS (100 ms samples), median of runs | ${FS_PEAK_MED} (runs: ${fs_peak[*]}) |
| VmHWM at the end (process lifetime peak) | ${FS_HWM} |
| VmRSS after the uploads | ${FS_IDLE} |
EOF
fi

cat <<EOF

### 2. Delivery of a ${SMALL_BYTES}-byte file, \`wrk -t${WRK_THREADS} -c${WRK_CONNS} -d${WRK_DURATION}\` (after ${WRK_WARMUP} warm-up)

| | requests/s | GB/s | p50 latency | p99 latency | errors | server CPU (cores busy, of ${NPROC}) | server CPU µs / request |
|---|---:|---:|---:|---:|---:|---:|---:|
| nginx, \`sendfile on\` (anchor) | ${NG_RPS} | ${NG_GBS} | ${NG_P50} | ${NG_P99} | ${NG_ERR} | ${NG_CORES} | ${NG_US} |
| Trove permanent URL, SQLite + files | ${FS_RPS} | ${FS_GBS} | ${FS_P50} | ${FS_P99} | ${FS_ERR} | ${FS_CORES} | ${FS_US} |
EOF
$PG && cat <<EOF
| Trove permanent URL, PostgreSQL + S3 (1 node) | ${P1_RPS} | ${P1_GBS} | ${P1_P50} | ${P1_P99} | ${P1_ERR} | ${P1_CORES} (Trove ${P1_TCORES}, S3 server ${P1_SCORES}, PostgreSQL ${P1_PCORES}) | ${P1_US} (Trove ${P1_TUS}) |
EOF
cat <<EOF
| **Trove SQLite + files / nginx** | **${FS_DL_RATIO}** | | | | | | |
EOF
$PG && cat <<EOF
| **Trove PostgreSQL + S3 / nginx** | **${P1_DL_RATIO}** | | | | | | |
| **Trove PostgreSQL + S3 / SQLite + files** | **${P1_FS_RATIO}** | | | | | | |
EOF
cat <<EOF

wrk, the servers under test and the kernel's loopback all share the same ${NPROC} CPUs.
EOF
$PG && cat <<EOF
For PostgreSQL + S3, "server CPU" is Trove plus the S3 test server plus the
PostgreSQL backends serving the bench database.
EOF

if $PG; then
    cat <<EOF

### 3. Permanent-URL delivery from 1 node vs 2 nodes (PostgreSQL + S3), ${WRK_DURATION} after ${WRK_WARMUP} warm-up

Both nodes are \`trove serve\` processes on this machine, on the same PostgreSQL
database and the same S3 bucket, on different ports.

| | load | requests/s | p50 latency | p99 latency | errors | server CPU (cores busy, of ${NPROC}) | server CPU µs / request |
|---|---|---:|---:|---:|---:|---:|---:|
| 1 node (the row above) | one \`wrk ${P1_SHAPE}\` | ${P1_RPS} | ${P1_P50} | ${P1_P99} | ${P1_ERR} | ${P1_CORES} (Trove ${P1_TCORES}, S3 server ${P1_SCORES}, PostgreSQL ${P1_PCORES}) | ${P1_US} (Trove ${P1_TUS}) |
| 2 nodes, summed (node 1 + node 2) | two \`wrk ${P2_SHAPE}\` at once, one per node | ${P2_RPS} (${P2_RPS_EACH}) | ${P2_P50} | ${P2_P99} | ${P2_ERR} | ${P2_CORES} (Trove ${P2_TCORES}, S3 server ${P2_SCORES}, PostgreSQL ${P2_PCORES}) | ${P2_US} (Trove ${P2_TUS}) |
| **2 nodes / 1 node** | | **${SCALE_RATIO}** | | | | | |

On ${NPROC} cores shared by wrk and every server, a second node adds no CPU: the ratio
shows the cost of coordination and contention, not scale-out capacity.
EOF
else
    cat <<EOF

### 3. 1 node vs 2 nodes

Skipped: $PG_SKIP_REASON.
EOF
fi
