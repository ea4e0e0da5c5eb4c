#!/usr/bin/env bash
# Trove benchmark against raw anchors, side by side in one run.
#
#   1. Upload:   1 GiB multipart upload to Trove (streamed, hashed, fsync'd) vs
#                `dd if=/dev/zero bs=1M count=1024 conv=fsync` on the same disk.
#                Trove's peak RSS is sampled every 100 ms during each upload.
#   2. Delivery: a 1,000,000-byte file over its permanent URL vs a private nginx
#                (sendfile on) serving the same file, both hammered by
#                `wrk -t2 -c64 -d10s` after a 2 s warm-up.
#
# Usage (from the repository root):  bench/run.sh
# Environment:
#   BENCH_DIR     parent of the temporary directory (default: ./target, i.e. the
#                 repository's disk). Everything is removed on exit.
#   UPLOAD_RUNS   upload repetitions, median reported (default 3).
#   WRK_DURATION  measured wrk duration (default 10s); WRK_WARMUP (default 2s).
#   WRK_THREADS / WRK_CONNS  (default 2 / 64).
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

UPLOAD_RUNS="${UPLOAD_RUNS:-3}"
WRK_DURATION="${WRK_DURATION:-10s}"
WRK_WARMUP="${WRK_WARMUP:-2s}"
WRK_THREADS="${WRK_THREADS:-2}"
WRK_CONNS="${WRK_CONNS:-64}"
SETTLE_SECS="${SETTLE_SECS:-6}"
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

LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"
if awk -v l="${LOAD_START%% *}" -v n="$(nproc)" 'BEGIN { exit !(l > n / 2) }'; then
    log "warning: load average is $LOAD_START on $(nproc) CPUs; other work will skew the numbers"
fi

# ---------------------------------------------------------------- build
log "building the release binary (cargo build --release -p trove)"
cargo build --release -p trove >&2
TROVE_BIN="$REPO/target/release/trove"
[[ -x "$TROVE_BIN" ]] || die "$TROVE_BIN was not built"

# ---------------------------------------------------------------- temp dir + cleanup
mkdir -p "${BENCH_DIR:-$PWD/target}"
TMP="$(mktemp -d -p "${BENCH_DIR:-$PWD/target}" trove-bench.XXXXXX)"
TROVE_PID=""
NGINX_PID=""
SAMPLER_PID=""

stop_pid() { # pid [signal]
    local pid="$1" sig="${2:-TERM}" i
    [[ -n "$pid" ]] || return 0
    kill -0 "$pid" 2>/dev/null || return 0
    kill -"$sig" "$pid" 2>/dev/null || true
    for i in $(seq 1 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

cleanup() {
    local rc=$?
    set +e
    [[ -n "$SAMPLER_PID" ]] && { touch "$TMP/sampler.stop" 2>/dev/null; stop_pid "$SAMPLER_PID"; }
    stop_pid "$TROVE_PID" TERM
    stop_pid "$NGINX_PID" QUIT
    if ((rc != 0)); then
        [[ -f "$TMP/trove.log" ]] && { echo "--- last lines of trove.log ---" >&2; tail -n 20 "$TMP/trove.log" >&2; }
        [[ -f "$TMP/nginx-error.log" ]] && { echo "--- nginx-error.log ---" >&2; tail -n 20 "$TMP/nginx-error.log" >&2; }
    fi
    rm -rf "$TMP"
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
    local total=0 pid
    for pid in "$@"; do
        total=$((total + $(sed 's/^.*) //' "/proc/$pid/stat" | awk '{print $12 + $13}')))
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

api() { # method path [curl args...]
    local method="$1" path="$2"
    shift 2
    curl -sS -X "$method" -H "Authorization: Bearer $TOKEN" "$@" "$TROVE_URL$path"
}

# Uploads $1 as multipart part `file` named $2; prints the HTTP status (body in
# $TMP/upload.json).
upload_status() {
    local src="$1" name="$2" out="$TMP/upload.json"
    local code
    code="$(curl -sS -o "$out" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
        -F "file=@$src;filename=$name" "$TROVE_URL/api/spaces/$SPACE/assets")"
    echo "$code"
}

# ---------------------------------------------------------------- start Trove
log "starting Trove"
TROVE_BOOTSTRAP_TOKEN="$TOKEN" "$TROVE_BIN" serve --data-dir "$TMP/trove-data" --listen 127.0.0.1:0 \
    >"$TMP/trove.out" 2>"$TMP/trove.log" &
TROVE_PID=$!
TROVE_URL=""
for i in $(seq 1 100); do
    TROVE_URL="$(sed -n 's#^trove listening on \(http://[^ ]*\)$#\1#p' "$TMP/trove.out" 2>/dev/null | head -n1)"
    [[ -n "$TROVE_URL" ]] && break
    kill -0 "$TROVE_PID" 2>/dev/null || die "Trove exited at startup"
    sleep 0.1
done
[[ -n "$TROVE_URL" ]] || die "Trove did not report its address"
wait_http "$TROVE_URL/healthz"
log "Trove pid $TROVE_PID at $TROVE_URL"
# Trove prints the admin token on its first start; prefer what it printed in case
# the preset from TROVE_BOOTSTRAP_TOKEN was not applied.
printed="$(sed -n 's/^Use it as: Authorization: Bearer //p' "$TMP/trove.out" | head -n1)"
if [[ -n "$printed" && "$printed" != "$TOKEN" ]]; then
    log "note: Trove did not take TROVE_BOOTSTRAP_TOKEN; using the token it printed"
    TOKEN="$printed"
fi

SPACE="$(api POST /api/spaces -H 'Content-Type: application/json' -d '{"title":"bench"}' | jq -er '.space.uid')" ||
    die "creating a space failed"

# ---------------------------------------------------------------- test data
log "generating ${BIG_MIB} MiB of random data (not timed)"
gen_big() { dd if=/dev/urandom of="$TMP/big.bin" bs=1M count="$BIG_MIB" status=none; }
gen_big
# Trove refuses files whose first bytes look executable/scripted (415). Random data
# trips that very rarely; check the head once with a small upload and regenerate.
for attempt in 1 2 3 4 5; do
    head -c 1048576 "$TMP/big.bin" >"$TMP/probe.bin"
    code="$(upload_status "$TMP/probe.bin" big.bin)"
    [[ "$code" == 201 ]] && break
    [[ "$code" == 415 ]] || die "probe upload failed with HTTP $code: $(cat "$TMP/upload.json")"
    log "random head was refused as risky; regenerating"
    gen_big
done
[[ "$code" == 201 ]] || die "could not produce an acceptable random file"
BIG_BYTES="$(stat -c %s "$TMP/big.bin")"

# ---------------------------------------------------------------- 1. upload
dd_mbs=()
tr_mbs=()
tr_peak=()
tr_cpu=()

run_dd() {
    rm -f "$TMP/dd.out"
    settle
    local t0 t1
    t0="$(now_ns)"
    dd if=/dev/zero of="$TMP/dd.out" bs=1M count="$BIG_MIB" conv=fsync status=none
    t1="$(now_ns)"
    rm -f "$TMP/dd.out"
    dd_mbs+=("$(calc "$BIG_BYTES / (($t1 - $t0) / 1e9) / 1e6")")
}

run_trove_upload() { # run number
    # A fresh tail makes every run a new blob (same code path: stage, fsync, hash,
    # promote), rather than a duplicate that Trove would discard. The head (what
    # Trove probes) stays the same.
    dd if=/dev/urandom of="$TMP/big.bin" bs=16 count=1 seek=$(((BIG_BYTES - 16) / 16)) conv=notrunc status=none
    settle
    rm -f "$TMP/sampler.stop" "$TMP/rss.peak"
    sample_rss "$TROVE_PID" "$TMP/rss.peak" &
    SAMPLER_PID=$!
    local cpu0 cpu1 res code curl_secs got peak_kib
    cpu0="$(cpu_ticks "$TROVE_PID")"
    res="$(curl -sS -o "$TMP/upload.json" -w '%{http_code} %{time_total}' \
        -H "Authorization: Bearer $TOKEN" -F "file=@$TMP/big.bin" "$TROVE_URL/api/spaces/$SPACE/assets")"
    cpu1="$(cpu_ticks "$TROVE_PID")"
    touch "$TMP/sampler.stop"
    wait "$SAMPLER_PID" || true
    SAMPLER_PID=""
    read -r code curl_secs <<<"$res"
    [[ "$code" == 201 ]] || die "upload run $1 failed with HTTP $code: $(cat "$TMP/upload.json")"
    got="$(jq -r '.asset.file_size // empty' "$TMP/upload.json")"
    [[ "$got" == "$BIG_BYTES" ]] || die "Trove stored ${got:-?} bytes, expected $BIG_BYTES"
    tr_mbs+=("$(calc "$BIG_BYTES / $curl_secs / 1e6")")
    peak_kib="$(cat "$TMP/rss.peak" 2>/dev/null || echo 0)"
    tr_peak+=("$(calc "$peak_kib / 1024")")
    tr_cpu+=("$(calc "($cpu1 - $cpu0) / $CLK_TCK" 2)")
}

for run in $(seq 1 "$UPLOAD_RUNS"); do
    # Alternate the order so neither side always runs right after the other's
    # writeback (the virtual disk's speed drifts).
    if ((run % 2)); then
        run_dd
        run_trove_upload "$run"
    else
        run_trove_upload "$run"
        run_dd
    fi
    log "upload run $run (load $(cut -d' ' -f1 /proc/loadavg)): dd ${dd_mbs[-1]} MB/s, Trove ${tr_mbs[-1]} MB/s (Trove CPU ${tr_cpu[-1]} s), peak RSS ${tr_peak[-1]} MiB"
done
HWM_MIB="$(calc "$(rss_kib "$TROVE_PID" VmHWM) / 1024")"
RSS_IDLE_MIB="$(calc "$(rss_kib "$TROVE_PID" VmRSS) / 1024")"
DD_MED="$(median "${dd_mbs[@]}")"
TR_MED="$(median "${tr_mbs[@]}")"
PEAK_MED="$(median "${tr_peak[@]}")"
CPU_MED="$(median "${tr_cpu[@]}")"
UP_RATIO="$(calc "$TR_MED / $DD_MED" 2)"
rm -f "$TMP/big.bin" "$TMP/probe.bin"

# ---------------------------------------------------------------- 2. delivery
log "preparing the ${SMALL_BYTES}-byte delivery file"
mkdir -p "$TMP/www"
for attempt in 1 2 3 4 5; do
    head -c "$SMALL_BYTES" /dev/urandom >"$TMP/www/small.bin"
    code="$(upload_status "$TMP/www/small.bin" small.bin)"
    [[ "$code" == 201 ]] && break
    [[ "$code" == 415 ]] || die "upload of the delivery file failed with HTTP $code: $(cat "$TMP/upload.json")"
done
[[ "$code" == 201 ]] || die "could not upload the delivery file"
PERMA="$(jq -er '.asset.permanent_url' "$TMP/upload.json")"
TROVE_FILE_URL="$TROVE_URL$PERMA"

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

# Both must serve exactly the file.
want="$(sha256sum <"$TMP/www/small.bin" | cut -d' ' -f1)"
for url in "$TROVE_FILE_URL" "$NGINX_URL"; do
    got="$(curl -fsS "$url" | sha256sum | cut -d' ' -f1)"
    [[ "$got" == "$want" ]] || die "$url does not serve the uploaded bytes"
done

run_wrk() { # url outfile server-pids... ; writes the servers' CPU seconds to outfile.cpu
    local url="$1" out="$2" c0 c1 t0 t1
    shift 2
    wrk -t"$WRK_THREADS" -c"$WRK_CONNS" -d"$WRK_WARMUP" "$url" >/dev/null
    c0="$(cpu_ticks "$@")"
    t0="$(now_ns)"
    wrk -t"$WRK_THREADS" -c"$WRK_CONNS" -d"$WRK_DURATION" --latency "$url" >"$out"
    t1="$(now_ns)"
    c1="$(cpu_ticks "$@")"
    # "<cpu seconds> <cores busy on average>"
    echo "$(calc "($c1 - $c0) / $CLK_TCK" 2) $(calc "($c1 - $c0) / $CLK_TCK / (($t1 - $t0) / 1e9)" 2)" >"$out.cpu"
}
wrk_field() { # file -> "rps p50 p99 errors"
    awk '
        /^Requests\/sec:/ { rps = $2 }
        /^ +50%/ { p50 = $2 }
        /^ +99%/ { p99 = $2 }
        /Non-2xx or 3xx responses:/ { err += $NF }
        /Socket errors:/ { gsub(",", ""); err += $4 + $6 + $8 + $10 }
        END { printf "%s %s %s %d\n", rps, p50, p99, err }' "$1"
}

log "wrk against Trove (load $(cut -d' ' -f1 /proc/loadavg)): $TROVE_FILE_URL"
run_wrk "$TROVE_FILE_URL" "$TMP/wrk-trove.txt" "$TROVE_PID"
log "wrk against nginx (load $(cut -d' ' -f1 /proc/loadavg)): $NGINX_URL"
mapfile -t NGINX_WORKERS < <(pgrep -P "$NGINX_PID")
run_wrk "$NGINX_URL" "$TMP/wrk-nginx.txt" "$NGINX_PID" "${NGINX_WORKERS[@]}"
read -r TR_RPS TR_P50 TR_P99 TR_ERR < <(wrk_field "$TMP/wrk-trove.txt")
read -r NG_RPS NG_P50 NG_P99 NG_ERR < <(wrk_field "$TMP/wrk-nginx.txt")
DL_RATIO="$(calc "$TR_RPS / $NG_RPS" 2)"
read -r TR_DCPU TR_CORES <"$TMP/wrk-trove.txt.cpu"
read -r NG_DCPU NG_CORES <"$TMP/wrk-nginx.txt.cpu"
TR_REQS="$(awk '/ requests in / {print $1}' "$TMP/wrk-trove.txt")"
NG_REQS="$(awk '/ requests in / {print $1}' "$TMP/wrk-nginx.txt")"
TR_CPU_PER_REQ="$(calc "$TR_DCPU * 1e6 / $TR_REQS" 0)"
NG_CPU_PER_REQ="$(calc "$NG_DCPU * 1e6 / $NG_REQS" 0)"
TR_GBS="$(calc "$TR_RPS * $SMALL_BYTES / 1e9" 2)"
NG_GBS="$(calc "$NG_RPS * $SMALL_BYTES / 1e9" 2)"
for f in trove nginx; do
    printf -- '--- wrk %s ---\n' "$f" >&2
    cat "$TMP/wrk-$f.txt" >&2
done

# ---------------------------------------------------------------- report
LOAD_END="$(cut -d' ' -f1-3 /proc/loadavg)"
COMMIT="$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)"
[[ -n "$(git status --porcelain 2>/dev/null)" ]] && COMMIT="$COMMIT (working tree has uncommitted changes)"
CPU="$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)"
FSTYPE="$(df -T "$TMP" | awk 'NR == 2 {print $2}')"
MEM_GIB="$(awk '/^MemTotal:/ {printf "%.1f", $2 / 1048576}' /proc/meminfo)"

cat <<EOF

## Trove benchmark results

| Machine | |
|---|---|
| Commit | \`$COMMIT\` |
| CPUs (\`nproc\`) | $(nproc) |
| CPU model | ${CPU:-unknown} |
| Memory | ${MEM_GIB} GiB |
| Kernel | $(uname -r) |
| Load average (1/5/15 min) at start, at end | ${LOAD_START}; ${LOAD_END} |
| Temp dir filesystem | ${FSTYPE} (\`df -T\`) |
| Tools | $(nginx -v 2>&1 | sed 's/^nginx version: //'), wrk $(wrk -v 2>&1 | awk 'NR==1 {print $2}'), curl $(curl --version | awk 'NR==1 {print $2}') |

### 1. Upload of ${BIG_MIB} MiB (${BIG_BYTES} bytes), median of ${UPLOAD_RUNS} runs

| | MB/s (10^6 B/s) | runs |
|---|---:|---|
| \`dd if=/dev/zero bs=1M count=${BIG_MIB} conv=fsync\` (anchor) | ${DD_MED} | ${dd_mbs[*]} |
| Trove \`POST /api/spaces/{space}/assets\` (curl -F, loopback) | ${TR_MED} | ${tr_mbs[*]} |
| **Trove / dd** | **${UP_RATIO}** | |

| Trove CPU time per upload (user+sys), median | ${CPU_MED} s (runs: ${tr_cpu[*]}) |

| Trove memory during upload | MiB |
|---|---:|
| Peak VmRSS (100 ms samples), median of runs | ${PEAK_MED} (runs: ${tr_peak[*]}) |
| VmHWM at the end (process lifetime peak) | ${HWM_MIB} |
| VmRSS after the uploads | ${RSS_IDLE_MIB} |

### 2. Delivery of a ${SMALL_BYTES}-byte file, \`wrk -t${WRK_THREADS} -c${WRK_CONNS} -d${WRK_DURATION}\` (after ${WRK_WARMUP} warm-up)

| | requests/s | GB/s | p50 latency | p99 latency | errors | server CPU (cores busy, of $(nproc)) | server CPU µs / request |
|---|---:|---:|---:|---:|---:|---:|---:|
| nginx, \`sendfile on\` (anchor) | ${NG_RPS} | ${NG_GBS} | ${NG_P50} | ${NG_P99} | ${NG_ERR} | ${NG_CORES} | ${NG_CPU_PER_REQ} |
| Trove permanent URL | ${TR_RPS} | ${TR_GBS} | ${TR_P50} | ${TR_P99} | ${TR_ERR} | ${TR_CORES} | ${TR_CPU_PER_REQ} |
| **Trove / nginx** | **${DL_RATIO}** | | | | | | |

wrk, the server under test and the kernel's loopback all share the same $(nproc) CPUs.
EOF
