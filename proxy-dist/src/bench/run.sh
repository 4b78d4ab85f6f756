#!/usr/bin/env bash
# Sluice benchmark: the same wrk load against an nginx backend directly, through an nginx
# reverse proxy, through HAProxy and through Sluice, all measured in one run so the ratios
# compare like with like; then WebSocket echo round trips the same four ways, WebSocket load
# (echo, stream, idle tunnels) with every byte checked; then the TLS scenarios (HTTPS keep-alive,
# TLS handshakes per second, wss echo) through the three proxies; then Sluice cold (a fresh JVM).
# CPU per request/message of each proxy comes from /proc; results.md and ratios.svg go to
# BENCH_RESULTS (default proxy-dist/target/bench-results/<timestamp>/) with every raw output.
#
#   proxy-dist/src/bench/run.sh            (see proxy-dist/src/bench/README.md)
#
# Everything binds 127.0.0.1 on free ports, lives in one temp dir (results in BENCH_RESULTS),
# and is stopped by PID on exit.
# A manual (or opt-in CI) tool: it declines to run inside a test run or CI unless SLUICE_BENCH=1.
set -euo pipefail

DURATION=${BENCH_DURATION:-5s}           # each measured wrk run
ROUNDS=${BENCH_ROUNDS:-3}                # measured runs per row; the table shows their median
WARMUP=${BENCH_WARMUP:-5s}               # an unmeasured wrk run per row before the rounds (nginx, HAProxy)
JVM_WARMUP=${BENCH_JVM_WARMUP:-20s}      # the same for Sluice and base: a JVM compiles for tens of seconds
CONNECTIONS=${BENCH_CONNECTIONS:-32}
THREADS=${BENCH_THREADS:-1}              # wrk threads; 1 leaves the 2nd core to the servers
SMALL_BYTES=${BENCH_SMALL_BYTES:-1024}
LARGE_BYTES=${BENCH_LARGE_BYTES:-1048576}
PROXY_WORKERS=${BENCH_NGINX_WORKERS:-auto}   # the nginx proxy's workers (auto = one per core)
WS=${BENCH_WS:-1}                        # 0 skips the WebSocket part
WS_ROUNDS=${BENCH_WS_ROUNDS:-10000}
WS_WARMUP=${BENCH_WS_WARMUP:-3000}
WS_BYTES=${BENCH_WS_BYTES:-32}
TLS=${BENCH_TLS:-1}                      # 0 skips the TLS part (HTTPS, handshakes, wss)
SLUICE_JAVA_OPTS=${SLUICE_JAVA_OPTS:-}   # JAVA_OPTS for the Sluice JVM (default: bin/sluice's choice)
BASE_JAVA_OPTS=${BENCH_BASELINE_JAVA_OPTS-$SLUICE_JAVA_OPTS}   # JAVA_OPTS for the base JVM (to A/B JVM settings on one build)
KEEP=${BENCH_KEEP:-0}                    # 1 keeps the temp dir (configs, logs, wrk output)
BASELINE=${BENCH_BASELINE:-}             # another built distribution (its bin/sluice's folder): an A/B row "base"
WITH_UNDERTOW=${BENCH_UNDERTOW:-1}       # 0 drops "undertow" (Undertow's own ProxyHandler) from the HTTP rows
WS_LOAD=${BENCH_WS_LOAD:-1}              # 0 skips the WebSocket load part (echo, stream, idle)
WS_CONNECTIONS=${BENCH_WS_CONNECTIONS:-64}           # echo: connections, one message in flight each
WS_LOAD_SIZES=${BENCH_WS_LOAD_SIZES:-32 16384}       # echo: one row per message size
WS_STREAM_CONNECTIONS=${BENCH_WS_STREAM_CONNECTIONS:-16}   # stream: connections of 16 KiB messages ...
WS_STREAM_IN_FLIGHT=${BENCH_WS_STREAM_IN_FLIGHT:-8}        # ... with this many in flight on each
WS_STREAM_BYTES=16384
WS_LOAD_DURATION=${BENCH_WS_DURATION:-$DURATION}     # measured seconds per WebSocket load run
WS_LOAD_WARMUP=${BENCH_WS_LOAD_WARMUP:-2s}           # unmeasured seconds before them, same connections
WS_IDLE=${BENCH_WS_IDLE:-5000}           # idle tunnels opened per proxy for RSS per tunnel; 0 skips
WS_ECHO_THREADS=${BENCH_WS_ECHO_THREADS:-1}          # the WebSocket echo backend's IO threads
COLD=${BENCH_COLD:-1}                    # 0 skips the cold rows (they restart Sluice and base at the end)
COLD_SECONDS=${BENCH_COLD_SECONDS:-10}   # cold: wrk in 1 s slices for this long after the listener answers
PROFILE=${BENCH_PROFILE:-0}              # 1: a CPU flame graph of Sluice (and base) per wrk row, in raw/ (async-profiler)
ASYNC_PROFILER=${BENCH_ASYNC_PROFILER:-tools.profiler:async-profiler:3.0}   # the Maven artifact it comes from

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
BENCH_SRC=$ROOT/proxy-dist/src/bench
DIST=$ROOT/proxy-dist/target/sluice
RESULTS=${BENCH_RESULTS:-$ROOT/proxy-dist/target/bench-results/$(date +%Y%m%d-%H%M%S)}

say() { printf '%s\n' "$*" >&2; }
die() { say "run.sh: $*"; exit 1; }

case "${1:-}" in
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    "") ;;
    *) die "no arguments expected (settings are BENCH_* environment variables, see README.md)" ;;
esac

# --- not part of tests -----------------------------------------------------------------------
if [[ "${SLUICE_BENCH:-}" != 1 ]]; then
    if [[ -n "${MAVEN_PROJECTBASEDIR:-}${MAVEN_CMD_LINE_ARGS:-}" ]] || [[ -n "${CI:-}" && "${CI}" != false ]]; then
        say "run.sh: not running the benchmark here: it takes minutes, installs packages and needs a quiet"
        say "machine, so it is not part of the tests or CI. Run it by hand, or set SLUICE_BENCH=1 to insist."
        exit 0
    fi
fi

# --- tools -----------------------------------------------------------------------------------
APT_UPDATED=0
apt_install() {  # apt_install PACKAGE... ; returns non-zero if it could not
    [[ $(id -u) == 0 ]] || return 1
    command -v apt-get >/dev/null || return 1
    if [[ $APT_UPDATED == 0 ]]; then
        say "installing $*: apt-get update"
        apt-get update -qq >&2 || return 1
        APT_UPDATED=1
    fi
    # Debian's nginx package would start a system nginx on *:80; forbid service starts meanwhile.
    local policy=/usr/sbin/policy-rc.d made_policy=0 rc=0
    if [[ ! -e $policy ]]; then
        printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && made_policy=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2 || rc=$?
    [[ $made_policy == 1 ]] && rm -f "$policy"
    return $rc
}
need() {  # need COMMAND PACKAGE [FALLBACK_PACKAGE]
    command -v "$1" >/dev/null && return 0
    apt_install "$2" || { [[ -n "${3:-}" ]] && apt_install "$3"; } ||
        die "'$1' is missing and could not be installed (as root: apt-get install $2)"
    command -v "$1" >/dev/null || die "'$1' still missing after installing $2"
}
export PATH=$PATH:/usr/sbin:/sbin
need wrk wrk
need nginx nginx-light nginx
need haproxy haproxy
need curl curl
need ss iproute2
need javac openjdk-17-jdk-headless
need java openjdk-17-jre-headless
need python3 python3-minimal
need getconf libc-bin
[[ $TLS == 0 ]] || need openssl openssl
if [[ $PROFILE == 1 ]]; then
    need jcmd openjdk-17-jdk-headless
    need mvn maven
fi

# --- Sluice: the built distribution, or proxy-core embedded until the distribution exists ---
if [[ -x $DIST/bin/sluice ]]; then
    MODE=distribution
    CLASSPATH_LIB="$DIST/lib/*"
else
    MODE=embedded
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/sluice-bench.XXXXXX")
chmod 755 "$TMP"   # nginx workers run as an unprivileged user when started by root
AP_LIB=
if [[ $PROFILE == 1 ]]; then
    # async-profiler's jar on Maven Central carries its native library for each platform.
    case $(uname -m) in x86_64) ap_platform=linux-x64 ;; aarch64) ap_platform=linux-arm64 ;; *) ap_platform= ;; esac
    [[ -n $ap_platform ]] || die "BENCH_PROFILE=1: async-profiler has no library for $(uname -m)"
    mvn -q -B dependency:copy -Dartifact="$ASYNC_PROFILER" -DoutputDirectory="$TMP/ap" >&2 ||
        die "BENCH_PROFILE=1: could not fetch $ASYNC_PROFILER"
    (cd "$TMP/ap" && jar xf ./*.jar "$ap_platform/libasyncProfiler.so") ||
        die "BENCH_PROFILE=1: no $ap_platform/libasyncProfiler.so in $ASYNC_PROFILER"
    AP_LIB=$TMP/ap/$ap_platform/libasyncProfiler.so
fi
# The results folder: report.txt (a copy of stdout), results.tsv (one line per scenario and
# target), results.md and ratios.svg (report.py), raw/ (every wrk and WebSocket client output).
RAW=$RESULTS/raw
mkdir -p "$RAW" || die "cannot make BENCH_RESULTS=$RESULTS"
: >"$RESULTS/results.tsv"
exec > >(tee "$RESULTS/report.txt")
TEE_PID=$!
CLK_TCK=$(getconf CLK_TCK)
# Idle tunnels need 2 descriptors each in a proxy: raise the soft limit to the hard one for every
# process started here, and open no more tunnels than that allows.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
FD_LIMIT=$(ulimit -n); [[ $FD_LIMIT != unlimited ]] || FD_LIMIT=1048576
if (( WS_IDLE > (FD_LIMIT - 1024) / 2 )); then
    say "note: open files limit $FD_LIMIT: $(( (FD_LIMIT - 1024) / 2 )) idle tunnels instead of $WS_IDLE"
    WS_IDLE=$(( (FD_LIMIT - 1024) / 2 )); (( WS_IDLE > 0 )) || WS_IDLE=0
fi

# --- processes: started here, stopped here, by PID only -------------------------------------
PIDS=()
cleanup() {
    local rc=$? i pid
    trap - EXIT INT TERM
    for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
        pid=${PIDS[i]}
        kill -TERM "$pid" 2>/dev/null || continue
    done
    for pid in "${PIDS[@]}"; do
        for _ in $(seq 1 100); do  # up to 10 s for a clean stop, then SIGKILL
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    if [[ $KEEP == 1 ]]; then say "kept $TMP (configs, logs, wrk output)"; else rm -rf "$TMP"; fi
    exec >&2   # ends tee's input: it writes the rest of report.txt and exits
    wait "$TEE_PID" 2>/dev/null || true
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

spawn() {  # spawn NAME COMMAND... : runs in the background, log in $TMP/NAME.log, PID in $LAST_PID
    local name=$1; shift
    "$@" >"$TMP/$name.log" 2>&1 &
    LAST_PID=$!
    PIDS+=("$LAST_PID")
}

children_of() {  # PIDs whose parent is $1 (a stat line: "PID (comm) STATE PPID ...")
    cat /proc/[0-9]*/stat 2>/dev/null | awk -v p="$1" '{ pid = $1; sub(/^.*\) /, ""); if ($2 == p) print pid }'
}

jvm_of() {  # the java process started as $1: itself if it exec'd java, else its java child
    local pid=$1 child
    [[ $(readlink "/proc/$pid/exe" 2>/dev/null) == *java* ]] && { echo "$pid"; return; }
    for child in $(children_of "$pid"); do
        [[ $(readlink "/proc/$child/exe" 2>/dev/null) == *java* ]] && { echo "$child"; return; }
    done
}

forget() {  # forget PID : a process started here that has exited (and been waited for)
    local keep=() p
    for p in "${PIDS[@]}"; do [[ $p == "$1" ]] || keep+=("$p"); done
    PIDS=("${keep[@]}")
}

proc_ticks() {  # utime + stime (fields 14 and 15 of /proc/PID/stat, clock ticks) of the PIDs given, summed
    local total=0 pid t
    for pid in "$@"; do
        t=$(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$pid/stat" 2>/dev/null || echo 0)
        total=$((total + ${t:-0}))
    done
    echo "$total"
}

fd_count() {  # open file descriptors of the PIDs given, summed
    local total=0 pid
    for pid in "$@"; do total=$((total + $(ls "/proc/$pid/fd" 2>/dev/null | wc -l))); done
    echo "$total"
}

rss_kib() {  # VmRSS of the PIDs given, summed, in KiB
    local total=0 pid kib
    for pid in "$@"; do
        kib=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0)
        total=$((total + ${kib:-0}))
    done
    echo "$total"
}

USED_PORTS=" "
# Below the kernel's range for outgoing connections: a port one of those holds cannot be listened
# on (a run once failed so, "Address already in use", on a port that ss showed no listener on).
EPHEMERAL_LOW=$(awk '{ print $1 }' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
pick_port() {  # pick_port VAR : a port no socket uses, below the ephemeral range, not handed out before in this run
    local port
    for _ in $(seq 1 500); do
        port=$((10000 + RANDOM % (EPHEMERAL_LOW - 10000)))
        [[ $USED_PORTS == *" $port "* ]] && continue
        ss -Htan "sport = :$port" | grep -q . && continue
        USED_PORTS+="$port "
        printf -v "$1" '%s' "$port"
        return
    done
    die "no free port found"
}

try_ready() {  # try_ready PID URL : until URL answers (0), or PID exits or 30 s pass (1)
    local pid=$1 url=$2
    for _ in $(seq 1 300); do
        kill -0 "$pid" 2>/dev/null || return 1
        curl -s "${CURL_TLS[@]}" -o /dev/null --max-time 1 "$url" && return 0
        sleep 0.1
    done
    return 1
}

wait_ready() {  # wait_ready NAME PID URL : until URL answers, or say why not
    local name=$1 pid=$2 url=$3
    try_ready "$pid" "$url" && return 0
    cat "$TMP/$name.log" >&2
    kill -0 "$pid" 2>/dev/null || die "$name exited during start"
    die "$name did not answer $url within 30 s"
}

stop_now() {  # stop_now PID... : stop these (started here) before the end, and forget them
    local pid keep=() p
    for pid in "$@"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "$@"; do
        for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    for p in "${PIDS[@]}"; do [[ " $* " == *" $p "* ]] || keep+=("$p"); done
    PIDS=("${keep[@]}")
}

# --- content and configuration ---------------------------------------------------------------
pick_port BACKEND_PORT; pick_port NGINX_PORT; pick_port SLUICE_PORT; pick_port WS_PORT; pick_port HAPROXY_PORT
TARGETS="direct nginx haproxy sluice"
if [[ -n $BASELINE ]]; then
    [[ -x $BASELINE/bin/sluice ]] || die "BENCH_BASELINE=$BASELINE has no bin/sluice"
    pick_port BASE_PORT
    TARGETS="$TARGETS base"
fi
# The plain HTTP rows also measure Undertow's own ProxyHandler (UndertowProxy.java), the floor
# Sluice's HTTP path stands on: what Sluice's code costs beyond it, what only Undertow could save.
HTTP_TARGETS=$TARGETS
if [[ $WITH_UNDERTOW == 1 ]]; then
    pick_port UNDERTOW_PORT
    HTTP_TARGETS="$TARGETS undertow"
fi
CURL_TLS=()   # curl's options for the TLS ports: trust the run's own certificate
if [[ $TLS == 1 ]]; then
    pick_port NGINX_TLS_PORT; pick_port HAPROXY_TLS_PORT; pick_port SLUICE_TLS_PORT
    [[ -z $BASELINE ]] || pick_port BASE_TLS_PORT
    # One self-signed EC P-256 certificate for 127.0.0.1 and localhost, used by every TLS server;
    # the key is PKCS#8 ("BEGIN PRIVATE KEY"); HAProxy wants certificate and key in one file.
    TLS_DIR=$TMP/tls
    mkdir -p "$TLS_DIR"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 365 \
        -subj /CN=localhost -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
        -keyout "$TLS_DIR/key.pem" -out "$TLS_DIR/cert.pem" 2>"$TLS_DIR/openssl.log" ||
        { cat "$TLS_DIR/openssl.log" >&2; die "openssl could not make the certificate"; }
    cat "$TLS_DIR/cert.pem" "$TLS_DIR/key.pem" >"$TLS_DIR/haproxy.pem"
    chmod -R a+rX "$TLS_DIR"
    CURL_TLS=(--cacert "$TLS_DIR/cert.pem")
fi
# Sluice's default TLS 1.2 suites (TlsConfig.DEFAULT_CIPHERS) by their OpenSSL names, in its
# order, and its TLS 1.3 suites in its order: nginx and HAProxy offer the same, server's order
# first (as the JDK does), so all three negotiate the same suite with the same client.
TLS12_CIPHERS=ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305
TLS13_SUITES=TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256
mkdir -p "$TMP/www" "$TMP/backend" "$TMP/proxy" "$TMP/classes"
head -c "$SMALL_BYTES" /dev/urandom >"$TMP/www/small.bin"
head -c "$LARGE_BYTES" /dev/urandom >"$TMP/www/large.bin"
chmod -R a+rX "$TMP/www"

nginx_common() {  # nginx_common DIR : main-context lines shared by both nginx instances
    cat <<EOF
daemon off;
master_process on;
pid $1/nginx.pid;
error_log $1/error.log warn;
events { worker_connections $((2 * WS_IDLE + 4096)); }
EOF
}

{
    nginx_common "$TMP/backend"
    cat <<EOF
worker_processes 1;
http {
    access_log off;
    default_type application/octet-stream;
    client_body_temp_path $TMP/backend/body;
    proxy_temp_path $TMP/backend/proxy;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:$BACKEND_PORT;
        root $TMP/www;
        location / { }
    }
}
EOF
} >"$TMP/backend/nginx.conf"

nginx_locations() {  # what the nginx proxy's servers, plain and TLS, route where
    cat <<EOF
        location / {
            proxy_pass http://backend;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }
        location /ws {
            proxy_pass http://wsecho;
            proxy_http_version 1.1;
            proxy_set_header Upgrade \$http_upgrade;
            proxy_set_header Connection "upgrade";
            proxy_read_timeout 1h;
        }
EOF
}

nginx_tls_server() {  # the nginx proxy's HTTPS server: the same locations; nothing without BENCH_TLS
    [[ $TLS == 1 ]] || return 0
    cat <<EOF
    # Mozilla's "intermediate" nginx settings for sessions: a shared cache, no tickets.
    log_format reused '\$ssl_session_reused';
    server {
        listen 127.0.0.1:$NGINX_TLS_PORT ssl;
        ssl_certificate $TLS_DIR/cert.pem;
        ssl_certificate_key $TLS_DIR/key.pem;
        ssl_protocols TLSv1.2 TLSv1.3;
        ssl_ciphers $TLS12_CIPHERS;
        ssl_conf_command Ciphersuites $TLS13_SUITES;
        ssl_prefer_server_ciphers on;
        ssl_session_cache shared:SSL:10m;
        ssl_session_timeout 1d;
        ssl_session_tickets off;
$(nginx_locations)
        # Whether wrk resumed its TLS sessions: one letter per request, r (resumed) or . (full).
        location = /tls-check {
            access_log $TMP/proxy/tls-check.log reused;
            return 204;
        }
    }
EOF
}

{
    nginx_common "$TMP/proxy"
    cat <<EOF
worker_processes $PROXY_WORKERS;
http {
    access_log off;
    client_body_temp_path $TMP/proxy/body;
    proxy_temp_path $TMP/proxy/proxy;
    keepalive_requests 1000000;
    upstream backend {
        server 127.0.0.1:$BACKEND_PORT;
        keepalive 64;
        keepalive_requests 1000000;
    }
    upstream wsecho {
        server 127.0.0.1:$WS_PORT;
    }
    server {
        listen 127.0.0.1:$NGINX_PORT;
$(nginx_locations)
    }
$(nginx_tls_server)
}
EOF
} >"$TMP/proxy/nginx.conf"

sluice_yaml() {  # sluice_yaml PORT [TLS_PORT] : Sluice's (or base's) config, a TLS listener if TLS_PORT
    cat <<EOF
listeners:
  - address: 127.0.0.1:$1
EOF
    [[ -z ${2:-} ]] || cat <<EOF
  - address: 127.0.0.1:$2
    tls: { certificate: $TLS_DIR/cert.pem, private-key: $TLS_DIR/key.pem }
EOF
    cat <<EOF
upstreams:
  backend:
    servers:
      - url: http://127.0.0.1:$BACKEND_PORT
  wsecho:
    servers:
      - url: http://127.0.0.1:$WS_PORT
routes:
  - match: { path: / }
    upstream: backend
  - match: { path: /ws }
    upstream: wsecho
access-log: off
shutdown: { drain-timeout: 2s }
EOF
}
sluice_yaml "$SLUICE_PORT" "${SLUICE_TLS_PORT:-}" >"$TMP/sluice.yaml"

# HAProxy as the other anchor: two threads, keep-alive both ways, WebSocket by its tunnel timeout.
cat >"$TMP/haproxy.cfg" <<EOF
global
    nbthread 2
    maxconn $((WS_IDLE + 4000))
defaults
    mode http
    option http-keep-alive
    timeout connect 5s
    timeout client 60s
    timeout server 60s
    timeout tunnel 1h
frontend bench
    bind 127.0.0.1:$HAPROXY_PORT
$([[ $TLS == 0 ]] || echo "    bind 127.0.0.1:$HAPROXY_TLS_PORT ssl crt $TLS_DIR/haproxy.pem ssl-min-ver TLSv1.2 ciphers $TLS12_CIPHERS ciphersuites $TLS13_SUITES")
    use_backend wsecho if { path_beg /ws }
    default_backend backend
backend backend
    server b1 127.0.0.1:$BACKEND_PORT
backend wsecho
    server w1 127.0.0.1:$WS_PORT
EOF

if [[ -n $BASELINE ]]; then
    sluice_yaml "$BASE_PORT" >"$TMP/base.yaml"
    [[ $TLS == 0 ]] || sluice_yaml "$BASE_PORT" "$BASE_TLS_PORT" >"$TMP/base-tls.yaml"
fi

# --- build the Java helpers, start everything --------------------------------------------------
if [[ $MODE == embedded ]]; then
    # No proxy-dist/target/sluice yet: build proxy-core and run it from its jar and classpath.
    # (The classpath file is written per module; proxy-core comes last, after proxy-config.)
    say "no $DIST/bin/sluice: building proxy-core to run Sluice embedded"
    (cd "$ROOT" && mvn -B -q -pl proxy-core -am package -DskipTests dependency:build-classpath \
        -Dmdep.outputFile="$TMP/core.classpath" >"$TMP/mvn.log" 2>&1) || { cat "$TMP/mvn.log" >&2; die "could not build proxy-core"; }
    core_jar=$(ls "$ROOT"/proxy-core/target/proxy-core-*.jar | grep -v -- '-sources\|-tests' | head -n1)
    CLASSPATH_LIB="$core_jar:$(cat "$TMP/core.classpath")"
fi
javac -nowarn -d "$TMP/classes" -cp "$CLASSPATH_LIB" "$BENCH_SRC"/java/dev/sluice/bench/*.java
HELPER_CP="$TMP/classes:$CLASSPATH_LIB"

nginx -t -q -p "$TMP/backend" -c "$TMP/backend/nginx.conf" || die "backend nginx.conf rejected"
nginx -t -q -p "$TMP/proxy" -c "$TMP/proxy/nginx.conf" || die "proxy nginx.conf rejected"
spawn backend nginx -p "$TMP/backend" -c "$TMP/backend/nginx.conf"; BACKEND_PID=$LAST_PID
spawn proxy nginx -p "$TMP/proxy" -c "$TMP/proxy/nginx.conf"; NGINX_PID=$LAST_PID
haproxy -c -q -f "$TMP/haproxy.cfg" || die "haproxy.cfg rejected"
spawn haproxy haproxy -db -f "$TMP/haproxy.cfg"; HAPROXY_PID=$LAST_PID
spawn wsecho java -Xmx256m -cp "$HELPER_CP" dev.sluice.bench.WsEchoBackend "$WS_PORT" "$WS_ECHO_THREADS"; WS_PID=$LAST_PID
if [[ $WITH_UNDERTOW == 1 ]]; then   # the heap bin/sluice starts with; its PID is the JVM's
    spawn undertow java -Xms64m -Xmx512m -cp "$HELPER_CP" dev.sluice.bench.UndertowProxy \
        "$UNDERTOW_PORT" "http://127.0.0.1:$BACKEND_PORT"; UNDERTOW_PID=$LAST_PID
fi
start_sluice() {  # start_sluice NAME : Sluice on sluice.yaml, PID in $LAST_PID
    if [[ $MODE == distribution ]]; then
        JAVA_OPTS=$SLUICE_JAVA_OPTS spawn "$1" "$DIST/bin/sluice" -c "$TMP/sluice.yaml"
    else
        # shellcheck disable=SC2086 # SLUICE_JAVA_OPTS is a list of options
        spawn "$1" java $SLUICE_JAVA_OPTS -cp "$HELPER_CP" dev.sluice.bench.EmbeddedSluice "$TMP/sluice.yaml"
    fi
}
start_sluice sluice
SLUICE_PID=$LAST_PID
BASE_TLS=0        # 1 once the baseline build is seen to serve its TLS listener
BASE_TLS_NOTE=""
if [[ -n $BASELINE && $TLS == 1 ]]; then
    # An older build may not know listeners[].tls: try it, else run it without TLS rows.
    JAVA_OPTS=$BASE_JAVA_OPTS spawn base "$BASELINE/bin/sluice" -c "$TMP/base-tls.yaml"; BASE_PID=$LAST_PID
    if try_ready "$BASE_PID" "https://127.0.0.1:$BASE_TLS_PORT/small.bin"; then
        BASE_TLS=1
    else
        cp "$TMP/base.log" "$TMP/base-tls.log"
        BASE_TLS_NOTE=$(grep -m1 -i -E 'error|tls|unknown' "$TMP/base-tls.log" || true)
        base_jvm=$(jvm_of "$BASE_PID")
        # shellcheck disable=SC2086 # base_jvm is empty or one PID
        stop_now "$BASE_PID" $([[ ${base_jvm:-$BASE_PID} == "$BASE_PID" ]] || echo "$base_jvm")
        say "note: BENCH_BASELINE did not serve a TLS listener (${BASE_TLS_NOTE:-see base-tls.log}); no TLS rows for base"
    fi
fi
if [[ -n $BASELINE && $BASE_TLS == 0 ]]; then
    JAVA_OPTS=$BASE_JAVA_OPTS spawn base "$BASELINE/bin/sluice" -c "$TMP/base.yaml"; BASE_PID=$LAST_PID
fi

DIRECT=http://127.0.0.1:$BACKEND_PORT
NGINX=http://127.0.0.1:$NGINX_PORT
HAPROXY=http://127.0.0.1:$HAPROXY_PORT
SLUICE=http://127.0.0.1:$SLUICE_PORT
UNDERTOW=http://127.0.0.1:${UNDERTOW_PORT:-0}
wait_ready backend "$BACKEND_PID" "$DIRECT/small.bin"
wait_ready proxy "$NGINX_PID" "$NGINX/small.bin"
wait_ready haproxy "$HAPROXY_PID" "$HAPROXY/small.bin"
wait_ready sluice "$SLUICE_PID" "$SLUICE/small.bin"
[[ -z ${UNDERTOW_PID:-} ]] || wait_ready undertow "$UNDERTOW_PID" "$UNDERTOW/small.bin"
BASE=http://127.0.0.1:${BASE_PORT:-0}
if [[ -n $BASELINE ]]; then
    wait_ready base "$BASE_PID" "$BASE/small.bin"
    BASE_JVM=$(jvm_of "$BASE_PID")
    [[ $BASE_JVM == "$BASE_PID" ]] || PIDS+=("$BASE_JVM")
fi
SLUICE_JVM=$(jvm_of "$SLUICE_PID")
[[ -n $SLUICE_JVM ]] || die "could not find the Sluice JVM (started as PID $SLUICE_PID)"
[[ $SLUICE_JVM == "$SLUICE_PID" ]] || PIDS+=("$SLUICE_JVM")

# Every target must serve the very same bytes before its speed means anything.
for base in "$DIRECT" "$NGINX" "$HAPROXY" "$SLUICE" ${BASELINE:+"$BASE"} ${UNDERTOW_PID:+"$UNDERTOW"}; do
    for file in small.bin large.bin; do
        curl -s --max-time 10 "$base/$file" | cmp -s - "$TMP/www/$file" ||
            die "$base/$file does not serve the expected $(wc -c <"$TMP/www/$file") bytes"
    done
done
TLS_TARGETS=""
tls_port_of() { case $1 in nginx) echo "$NGINX_TLS_PORT" ;; haproxy) echo "$HAPROXY_TLS_PORT" ;; sluice) echo "$SLUICE_TLS_PORT" ;; base) echo "$BASE_TLS_PORT" ;; esac; }
if [[ $TLS == 1 ]]; then
    TLS_TARGETS="nginx haproxy sluice"
    [[ $BASE_TLS == 0 ]] || TLS_TARGETS="$TLS_TARGETS base"
    wait_ready proxy "$NGINX_PID" "https://127.0.0.1:$NGINX_TLS_PORT/small.bin"
    wait_ready haproxy "$HAPROXY_PID" "https://127.0.0.1:$HAPROXY_TLS_PORT/small.bin"
    wait_ready sluice "$SLUICE_PID" "https://127.0.0.1:$SLUICE_TLS_PORT/small.bin"
    for target in $TLS_TARGETS; do
        port=$(tls_port_of "$target")
        for file in small.bin large.bin; do
            curl -s "${CURL_TLS[@]}" --max-time 10 "https://127.0.0.1:$port/$file" | cmp -s - "$TMP/www/$file" ||
                die "https://127.0.0.1:$port/$file does not serve the expected $(wc -c <"$TMP/www/$file") bytes"
        done
    done
    # wrk keeps each connection's TLS session across reconnects (SSL_shutdown, then SSL_clear,
    # which keeps it) and offers it again: with a server that resumes, a "new connection" is a
    # resumed handshake. This shim drops the session, so every handshake is a full one.
    NO_RESUME=$TMP/wrk-no-resume.so
    if ! command -v cc >/dev/null; then apt_install gcc libc6-dev || true; fi
    if ! cc -shared -fPIC -O2 -o "$NO_RESUME" "$BENCH_SRC/c/wrk-no-resume.c" -ldl 2>"$TMP/cc.log"; then
        cat "$TMP/cc.log" >&2
        say "note: no C compiler for wrk-no-resume.so: the full-handshake row is skipped"
        NO_RESUME=""
    fi
fi

# --- HTTP load -------------------------------------------------------------------------------
to_ms() {  # wrk's "812.00us" / "1.23ms" / "2.01s" -> milliseconds
    awk -v v="$1" 'BEGIN { n = v + 0; u = v; sub(/^[0-9.]+/, "", u);
        f = (u == "us") ? 0.001 : (u == "ms") ? 1 : (u == "s") ? 1000 : (u == "m") ? 60000 : -1;
        if (f < 0) { print "?" } else { printf "%.2f", n * f } }'
}
to_mib() {  # wrk's "15.00MB" (binary units) -> MiB
    awk -v v="$1" 'BEGIN { n = v + 0; u = v; sub(/^[0-9.]+/, "", u);
        f = (u == "B") ? 1 / 1048576 : (u == "KB") ? 1 / 1024 : (u == "MB") ? 1 : (u == "GB") ? 1024 : (u == "TB") ? 1048576 : -1;
        if (f < 0) { print "?" } else { printf "%.1f", n * f } }'
}

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# round_trips PREFIX URI_OF TARGETS [TRUSTED.pem] : $ROUNDS interleaved rounds of $WS_ROUNDS sequential
# WebSocket round trips through each target (URI_OF TARGET names its URI), every round's line kept in
# raw/; the medians of the rounds' mean, p50 and p99 in the arrays PREFIX_MEAN, PREFIX_P50, PREFIX_P99.
# One run per target swung by 10-40% with its place in the order, more than the changes it measured.
round_trips() {
    local prefix=$1 uri_of=$2 targets=$3 trusted=${4:-} round target line raw
    local -n means=${prefix}_MEAN p50s=${prefix}_P50 p99s=${prefix}_P99
    raw=$(tr 'A-Z' 'a-z' <<<"$prefix")-roundtrip
    for round in $(seq 1 "$ROUNDS"); do
        for target in $targets; do
            say "  round $round/$ROUNDS: $raw, $target"
            # $trusted unquoted: absent for ws://, one path without spaces (the run's temp dir) for wss://
            line=$(java -cp "$HELPER_CP" dev.sluice.bench.WsRoundTrip "$("$uri_of" "$target")" \
                "$WS_ROUNDS" "$WS_WARMUP" "$WS_BYTES" $trusted) || die "$raw via $target failed"
            echo "$line" >>"$RAW/$raw-$target.txt"
            means[$target]+=" $(sed -n 's/.* mean_us=\([^ ]*\).*/\1/p' <<<"$line")"
            p50s[$target]+=" $(sed -n 's/.* p50_us=\([^ ]*\).*/\1/p' <<<"$line")"
            p99s[$target]+=" $(sed -n 's/.* p99_us=\([^ ]*\).*/\1/p' <<<"$line")"
        done
    done
    for target in $targets; do
        means[$target]=$(median <<<"${means[$target]}")
        p50s[$target]=$(median <<<"${p50s[$target]}")
        p99s[$target]=$(median <<<"${p99s[$target]}")
    done
}

declare -A RPS P50 P99 MIBS ERRS CPU_TICKS REQS
proxy_pids() {  # proxy_pids TARGET : the processes whose CPU is that proxy's (none for direct)
    case $1 in
        nginx) echo "$NGINX_PID" $(children_of "$NGINX_PID") ;;   # master + workers
        haproxy) echo "$HAPROXY_PID" ;;
        sluice) echo "$SLUICE_JVM" ;;
        base) echo "${BASE_JVM:-}" ;;
        undertow) echo "$UNDERTOW_PID" ;;
    esac
}
cpu_us() {  # cpu_us TICKS OPERATIONS : µs of CPU per operation, or - without figures
    awk -v t="$1" -v n="$2" -v hz="$CLK_TCK" 'BEGIN { if (t == "" || n + 0 == 0) print "-"; else printf "%.1f", t * 1e6 / hz / n }'
}
cpu_of() {  # cpu_of KEY : µs of the target's CPU per wrk request over all of KEY's rounds
    if [[ ${1##*-} == direct ]]; then echo -; else cpu_us "${CPU_TICKS[$1]:-}" "${REQS[$1]:-0}"; fi
}
wrk_as() {  # wrk_as MODE WRK_ARGS... : keep-alive (wrk as is), resumed or full (a new TLS connection per request)
    local mode=$1; shift
    case $mode in
        keep-alive) wrk "$@" ;;
        resumed) wrk -H "Connection: close" "$@" ;;
        full) LD_PRELOAD=$NO_RESUME wrk -H "Connection: close" "$@" ;;
    esac
}
profile() {  # profile KEY start|stop : with BENCH_PROFILE=1, async-profiler in the JVM of KEY's target (sluice, base)
    local jvm
    [[ -n $AP_LIB ]] || return 0
    case ${1##*-} in sluice) jvm=$SLUICE_JVM ;; base) jvm=${BASE_JVM:-} ;; *) return 0 ;; esac
    [[ -n $jvm ]] || return 0
    # jcmd's own parser splits on '=': the options go quoted. Each round resumes the key's
    # profile, and each stop writes the flame graph of all its rounds so far.
    if [[ $2 == start ]]; then
        [[ ${PROFILED[$1]:-} == 1 ]] && set -- "$1" resume
        PROFILED[$1]=1
        jcmd "$jvm" JVMTI.agent_load "$AP_LIB" "\"$2,event=cpu,interval=1ms\"" >/dev/null
    else
        jcmd "$jvm" JVMTI.agent_load "$AP_LIB" "\"stop,file=$RAW/flame-$1.html,title=$1\"" >/dev/null
    fi || say "  note: async-profiler did not $2 in $jvm for $1"
}
declare -A PROFILED=()

measure() {  # measure KEY URL ROUND [MODE] : one measured wrk run, its figures appended to KEY's lists
    local key=$1 out="$RAW/wrk-$1-$3.txt" pids t0 t1
    # The proxy's CPU (utime + stime) over the run, per request: KEY ends in the target's name.
    pids=$(proxy_pids "${key##*-}")
    profile "$key" start
    # shellcheck disable=SC2086 # one PID per word
    t0=$(proc_ticks $pids)
    wrk_as "${4:-keep-alive}" -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$2" >"$out"
    # shellcheck disable=SC2086
    t1=$(proc_ticks $pids)
    profile "$key" stop
    CPU_TICKS[$key]=$(( ${CPU_TICKS[$key]:-0} + t1 - t0 ))
    REQS[$key]=$(( ${REQS[$key]:-0} + $(awk '/ requests in / { print $1 + 0 }' "$out") ))
    RPS[$key]+=" $(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$out")"
    P50[$key]+=" $(to_ms "$(awk '$1 == "50%" { print $2 }' "$out")")"
    P99[$key]+=" $(to_ms "$(awk '$1 == "99%" { print $2 }' "$out")")"
    MIBS[$key]+=" $(to_mib "$(awk '/^Transfer\/sec:/ { print $2 }' "$out")")"
    ERRS[$key]=$(( ${ERRS[$key]:-0} + $(awk '/Non-2xx or 3xx responses:/ { n += $NF }
        /Socket errors:/ { gsub(/,/, ""); n += $4 + $6 + $8 + $10 } END { print n + 0 }' "$out") ))
}
warmup_of() { case $1 in sluice|base|undertow) echo "$JVM_WARMUP" ;; *) echo "$WARMUP" ;; esac; }
url_of() { case $1 in direct) echo "$DIRECT/$2.bin" ;; nginx) echo "$NGINX/$2.bin" ;; haproxy) echo "$HAPROXY/$2.bin" ;; sluice) echo "$SLUICE/$2.bin" ;; base) echo "$BASE/$2.bin" ;; undertow) echo "$UNDERTOW/$2.bin" ;; esac; }

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
awk -v l="${LOAD_BEFORE%% *}" -v n="$(nproc)" 'BEGIN { exit !(l > n / 2) }' &&
    say "note: load average ${LOAD_BEFORE%% *} on $(nproc) cores before starting: other work shares the CPUs, figures will be noisy"
say "Sluice: $MODE; a warm-up per row ($JVM_WARMUP for the JVMs, $WARMUP for the others), then $ROUNDS interleaved rounds of wrk -t$THREADS -c$CONNECTIONS -d$DURATION"
for body in small large; do
    for target in $HTTP_TARGETS; do
        say "  warm-up: $body body, $target"
        wrk -t"$THREADS" -c"$CONNECTIONS" -d"$(warmup_of "$target")" "$(url_of "$target" "$body")" >/dev/null
    done
done
# Rounds interleave the targets, so a burst of outside load hurts all three alike, and the
# median of the rounds drops the burst.
for round in $(seq 1 "$ROUNDS"); do
    for body in small large; do
        for target in $HTTP_TARGETS; do
            say "  round $round/$ROUNDS: $body body, $target"
            measure "$body-$target" "$(url_of "$target" "$body")" "$round"
        done
    done
done
for k in "${!RPS[@]}"; do
    RPS[$k]=$(median <<<"${RPS[$k]}"); P50[$k]=$(median <<<"${P50[$k]}")
    P99[$k]=$(median <<<"${P99[$k]}"); MIBS[$k]=$(median <<<"${MIBS[$k]}")
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0) print "-"; else printf "%.2f", a / b }'; }
# result SCENARIO METRIC BETTER(higher|lower) TARGET VALUE P50 P99 P999 CPU_US ERRORS NOTE : one line of results.tsv
result() { local IFS=$'\t'; echo "$*" >>"$RESULTS/results.tsv"; }
human_size() { awk -v b="$1" 'BEGIN { if (b >= 1048576) printf "%gMiB", b / 1048576; else if (b >= 1024) printf "%gKiB", b / 1024; else printf "%dB", b }'; }

echo
echo "Sluice $(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo '(no git)') ($MODE), $(java -version 2>&1 | head -n1), $(nginx -v 2>&1 | sed 's/.*: //'), $(wrk -v 2>&1 | head -n1 | cut -d' ' -f1-2)"
echo "HTTP GET, median of $ROUNDS rounds of wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency, all on 127.0.0.1 ($(nproc) cores; load average $LOAD_BEFORE before, $LOAD_AFTER after)"
printf '%-7s %-8s %10s %9s %9s %9s %7s %12s\n' body target 'req/s' 'p50 ms' 'p99 ms' 'MiB/s' errors 'cpu µs/req'
for body in small large; do
    size=$(human_size "$([[ $body == small ]] && echo "$SMALL_BYTES" || echo "$LARGE_BYTES")")
    for target in $HTTP_TARGETS; do
        k=$body-$target
        printf '%-7s %-8s %10s %9s %9s %9s %7s %12s\n' "$size" "$target" "${RPS[$k]}" "${P50[$k]}" "${P99[$k]}" "${MIBS[$k]}" "${ERRS[$k]}" "$(cpu_of "$k")"
        result "HTTP GET $size" req/s higher "$target" "${RPS[$k]}" "${P50[$k]}" "${P99[$k]}" - "$(cpu_of "$k")" "${ERRS[$k]}" "p50/p99 in ms"
    done
done
echo "cpu µs/req: the proxy's utime + stime (/proc/PID/stat; nginx: master + workers) over the measured runs, per request wrk made"

echo
echo "Ratios (req/s: higher is better for Sluice; p99: lower is better for Sluice)"
printf '%-7s %-20s %-20s %-20s %-18s %-18s %-18s\n' body 'req/s s/direct' 'req/s s/nginx' 'req/s s/haproxy' \
    'p99 s/direct' 'p99 s/nginx' 'p99 s/haproxy'
for body in small large; do
    size=$(human_size "$([[ $body == small ]] && echo "$SMALL_BYTES" || echo "$LARGE_BYTES")")
    printf '%-7s %-20s %-20s %-20s %-18s %-18s %-18s\n' "$size" \
        "$(ratio "${RPS[$body-sluice]}" "${RPS[$body-direct]}")" "$(ratio "${RPS[$body-sluice]}" "${RPS[$body-nginx]}")" \
        "$(ratio "${RPS[$body-sluice]}" "${RPS[$body-haproxy]}")" \
        "$(ratio "${P99[$body-sluice]}" "${P99[$body-direct]}")" "$(ratio "${P99[$body-sluice]}" "${P99[$body-nginx]}")" \
        "$(ratio "${P99[$body-sluice]}" "${P99[$body-haproxy]}")"
done

if [[ -n ${UNDERTOW_PID:-} ]]; then
    echo
    echo "Sluice against Undertow's own ProxyHandler (undertow), same run: CPU below 1 means Sluice used less"
    for body in small large; do
        size=$(human_size "$([[ $body == small ]] && echo "$SMALL_BYTES" || echo "$LARGE_BYTES")")
        printf '%-7s req/s sluice/undertow %s   cpu per request sluice/undertow %s\n' "$size" \
            "$(ratio "${RPS[$body-sluice]}" "${RPS[$body-undertow]}")" "$(ratio "$(cpu_of "$body-sluice")" "$(cpu_of "$body-undertow")")"
    done
    stop_now "$UNDERTOW_PID"   # the rows after these do not measure it
fi

if [[ -n $BASELINE ]]; then
    echo
    echo "A/B: this build (sluice) against BENCH_BASELINE (base), same run"
    for body in small large; do
        size=$(human_size "$([[ $body == small ]] && echo "$SMALL_BYTES" || echo "$LARGE_BYTES")")
        printf '%-7s req/s sluice/base %s   p99 sluice/base %s\n' "$size" \
            "$(ratio "${RPS[$body-sluice]}" "${RPS[$body-base]}")" "$(ratio "${P99[$body-sluice]}" "${P99[$body-base]}")"
    done
fi

# shellcheck disable=SC2046 # one PID per word
NGINX_PROCS=("$NGINX_PID" $(children_of "$NGINX_PID"))
echo
printf 'Memory after the HTTP run (VmRSS): Sluice JVM %d MiB (%s); nginx proxy %d MiB (master + %d workers)\n' \
    $(($(rss_kib "$SLUICE_JVM") / 1024)) "$MODE${SLUICE_JAVA_OPTS:+, $SLUICE_JAVA_OPTS}" \
    $(($(rss_kib "${NGINX_PROCS[@]}") / 1024)) $((${#NGINX_PROCS[@]} - 1))

# --- WebSocket round trips ---------------------------------------------------------------------
if [[ $WS == 1 ]]; then
    wait_ready wsecho "$WS_PID" "http://127.0.0.1:$WS_PORT/"
    declare -A WS_MEAN WS_P50 WS_P99
    ws_port_of() { case $1 in direct) echo "$WS_PORT" ;; nginx) echo "$NGINX_PORT" ;; haproxy) echo "$HAPROXY_PORT" ;; sluice) echo "$SLUICE_PORT" ;; base) echo "$BASE_PORT" ;; esac; }
    ws_uri_of() { echo "ws://127.0.0.1:$(ws_port_of "$1")/ws"; }
    round_trips WS ws_uri_of "$TARGETS"
    echo
    echo "WebSocket echo, median of $ROUNDS interleaved rounds of $WS_ROUNDS sequential round trips of a $WS_BYTES-byte text message (after $WS_WARMUP warm-up), one connection, java.net.http client"
    printf '%-7s %10s %9s %9s %14s\n' target 'mean µs' 'p50 µs' 'p99 µs' 'p50 vs direct'
    for target in $TARGETS; do
        printf '%-7s %10s %9s %9s %14s\n' "$target" "${WS_MEAN[$target]}" "${WS_P50[$target]}" "${WS_P99[$target]}" \
            "$(ratio "${WS_P50[$target]}" "${WS_P50[direct]}")"
        result "WS round trip $(human_size "$WS_BYTES") x1" 'p50 µs' lower "$target" "${WS_P50[$target]}" "${WS_P50[$target]}" "${WS_P99[$target]}" - - 0 \
            "sequential, one connection; mean ${WS_MEAN[$target]} µs"
    done
    added() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%+.0f", a - b }'; }
    echo "Added per round trip: Sluice $(added "${WS_P50[sluice]}" "${WS_P50[direct]}") µs p50, $(added "${WS_MEAN[sluice]}" "${WS_MEAN[direct]}") µs mean;" \
        "nginx $(added "${WS_P50[nginx]}" "${WS_P50[direct]}") µs p50, $(added "${WS_MEAN[nginx]}" "${WS_MEAN[direct]}") µs mean"
    echo "WebSocket p50 sluice/nginx $(ratio "${WS_P50[sluice]}" "${WS_P50[nginx]}"), sluice/haproxy $(ratio "${WS_P50[sluice]}" "${WS_P50[haproxy]}") (lower is better for Sluice)"
    [[ -z $BASELINE ]] || echo "A/B: WebSocket p50 sluice/base $(ratio "${WS_P50[sluice]}" "${WS_P50[base]}"), mean sluice/base $(ratio "${WS_MEAN[sluice]}" "${WS_MEAN[base]}")"
fi

# --- WebSocket load: echo and stream (every echoed byte checked), idle tunnels -----------------
to_seconds() { awk -v v="$1" 'BEGIN { n = v + 0; u = v; sub(/^[0-9.]+/, "", u);
    print (u == "m") ? n * 60 : (u == "h") ? n * 3600 : (u == "ms") ? n / 1000 : n }'; }
median_or_dash() { tr ' ' '\n' | { grep -v '^$' || true; } | sort -g |
    awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
if [[ $WS == 1 && $WS_LOAD == 1 ]]; then
    declare -A WL_RATE WL_MIBS WL_P50 WL_P99 WL_P999 WL_CPU WL_BACK WL_MIS WL_ERR
    WL_SCENARIOS=""
    for b in $WS_LOAD_SIZES; do WL_SCENARIOS+=" echo-$b"; done
    WL_SCENARIOS+=" stream-$WS_STREAM_BYTES"
    wl_conns() { case $1 in echo-*) echo "$WS_CONNECTIONS" ;; stream-*) echo "$WS_STREAM_CONNECTIONS" ;; esac; }
    wl_in_flight() { case $1 in echo-*) echo 1 ;; stream-*) echo "$WS_STREAM_IN_FLIGHT" ;; esac; }
    wl_label() { case $1 in
        echo-*) echo "WS echo $(human_size "${1#echo-}") x$WS_CONNECTIONS" ;;
        stream-*) echo "WS stream $(human_size "${1#stream-}") x$WS_STREAM_CONNECTIONS, $WS_STREAM_IN_FLIGHT in flight" ;;
    esac; }
    wl_run() {  # wl_run SCENARIO TARGET ROUND : one WsLoad echo run, its figures appended to SCENARIO-TARGET's lists
        local sc=$1 target=$2 k=$1-$2 out="$RAW/ws-$1-$2-$3.txt" line pids
        pids=$(proxy_pids "$target" | xargs | tr ' ' ',')
        java -cp "$HELPER_CP" dev.sluice.bench.WsLoad echo "ws://127.0.0.1:$(ws_port_of "$target")/ws" \
            "$(wl_conns "$sc")" "${sc#*-}" "$(wl_in_flight "$sc")" "$(to_seconds "$WS_LOAD_WARMUP")" "$(to_seconds "$WS_LOAD_DURATION")" \
            "cpu=$pids" "backend=$WS_PID" "clk=$CLK_TCK" >"$out" 2>"$out.err" || true
        line=$(grep '^mode=echo' "$out" || true)
        if [[ -z $line ]]; then
            say "  note: WsLoad $sc via $target printed no result (see $out.err)"
            WL_ERR[$k]=$(( ${WL_ERR[$k]:-0} + 1 )); return
        fi
        kv() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$line"; }
        WL_RATE[$k]+=" $(kv msg_per_s)"; WL_MIBS[$k]+=" $(kv mib_per_s)"
        WL_P50[$k]+=" $(kv p50_us)"; WL_P99[$k]+=" $(kv p99_us)"; WL_P999[$k]+=" $(kv p999_us)"
        WL_CPU[$k]+=" $(kv cpu_us_per_msg)"; WL_BACK[$k]+=" $(kv backend_core_share)"
        WL_MIS[$k]=$(( ${WL_MIS[$k]:-0} + $(kv mismatched_bytes) ))
        WL_ERR[$k]=$(( ${WL_ERR[$k]:-0} + $(kv errors) ))
    }
    say "WebSocket load: $ROUNDS interleaved rounds of $WS_LOAD_WARMUP warm-up + $WS_LOAD_DURATION measured per row (the JVMs warmed $JVM_WARMUP per row first)"
    for sc in $WL_SCENARIOS; do
        for target in $TARGETS; do
            [[ $target == sluice || $target == base ]] || continue
            say "  warm-up: WebSocket $sc, $target"
            java -cp "$HELPER_CP" dev.sluice.bench.WsLoad echo "ws://127.0.0.1:$(ws_port_of "$target")/ws" \
                "$(wl_conns "$sc")" "${sc#*-}" "$(wl_in_flight "$sc")" "$(to_seconds "$JVM_WARMUP")" 1 >/dev/null 2>&1 || true
        done
    done
    WL_LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
    for round in $(seq 1 "$ROUNDS"); do
        for sc in $WL_SCENARIOS; do
            for target in $TARGETS; do
                say "  round $round/$ROUNDS: WebSocket $sc, $target"
                wl_run "$sc" "$target" "$round"
            done
        done
    done
    WL_LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
    echo
    echo "WebSocket load: binary messages, every echoed byte compared with the one sent; median of $ROUNDS rounds of $WS_LOAD_DURATION after a $WS_LOAD_WARMUP warm-up on the same connections (load average $WL_LOAD_BEFORE before, $WL_LOAD_AFTER after)"
    echo "echo: one message in flight per connection; stream: $WS_STREAM_IN_FLIGHT in flight; latency from send to the whole echo"
    printf '%-34s %-7s %9s %9s %9s %9s %10s %11s %10s %9s %7s\n' scenario target 'msg/s' 'MiB/s' 'p50 µs' 'p99 µs' 'p99.9 µs' 'cpu µs/msg' 'echo core' mismatch errors
    for sc in $WL_SCENARIOS; do
        for target in $TARGETS; do
            k=$sc-$target
            for v in WL_RATE WL_MIBS WL_P50 WL_P99 WL_P999 WL_CPU WL_BACK; do
                declare -n ref=$v; ref[$k]=$(median_or_dash <<<"${ref[$k]:-}"); unset -n ref
            done
            printf '%-34s %-7s %9s %9s %9s %9s %10s %11s %10s %9s %7s\n' "$(wl_label "$sc")" "$target" "${WL_RATE[$k]}" "${WL_MIBS[$k]}" \
                "${WL_P50[$k]}" "${WL_P99[$k]}" "${WL_P999[$k]}" "${WL_CPU[$k]}" "${WL_BACK[$k]}" "${WL_MIS[$k]:-0}" "${WL_ERR[$k]:-0}"
            if [[ $sc == stream-* ]]; then
                result "$(wl_label "$sc")" MiB/s higher "$target" "${WL_MIBS[$k]}" "${WL_P50[$k]}" "${WL_P99[$k]}" "${WL_P999[$k]}" \
                    "${WL_CPU[$k]}" "$(( ${WL_MIS[$k]:-0} + ${WL_ERR[$k]:-0} ))" "${WL_RATE[$k]} msg/s; latency in µs; mismatched bytes ${WL_MIS[$k]:-0}, errors ${WL_ERR[$k]:-0}; echo backend ${WL_BACK[$k]} core"
            else
                result "$(wl_label "$sc")" msg/s higher "$target" "${WL_RATE[$k]}" "${WL_P50[$k]}" "${WL_P99[$k]}" "${WL_P999[$k]}" \
                    "${WL_CPU[$k]}" "$(( ${WL_MIS[$k]:-0} + ${WL_ERR[$k]:-0} ))" "latency in µs; mismatched bytes ${WL_MIS[$k]:-0}, errors ${WL_ERR[$k]:-0}; echo backend ${WL_BACK[$k]} core"
            fi
        done
        printf '  %s: msg/s sluice/direct %s, sluice/nginx %s, sluice/haproxy %s%s\n' "$(wl_label "$sc")" \
            "$(ratio "${WL_RATE[$sc-sluice]}" "${WL_RATE[$sc-direct]}")" "$(ratio "${WL_RATE[$sc-sluice]}" "${WL_RATE[$sc-nginx]}")" \
            "$(ratio "${WL_RATE[$sc-sluice]}" "${WL_RATE[$sc-haproxy]}")" \
            "$([[ -z $BASELINE ]] || echo ", sluice/base $(ratio "${WL_RATE[$sc-sluice]}" "${WL_RATE[$sc-base]}")")"
    done
    echo "mismatch: echoed bytes that differ from the ones sent, plus missing or extra ones; errors: failed opens, transport errors, closes, echoes missing at the end (all must be 0)"
    echo "echo core: share of one core the echo backend ($WS_ECHO_THREADS IO thread) used; near 1.00 with 1 IO thread it is the limit (BENCH_WS_ECHO_THREADS=2)"
fi

if [[ $WS == 1 && $WS_LOAD == 1 ]] && (( WS_IDLE > 0 )); then
    declare -A IDLE_OPEN IDLE_RSS0 IDLE_RSS1 IDLE_KIB IDLE_FDS IDLE_P50 IDLE_MIS IDLE_ERR
    for target in $TARGETS; do
        [[ $target != direct ]] || continue
        say "  idle: $WS_IDLE WebSocket tunnels through $target"
        pids=$(proxy_pids "$target")
        rm -f "$TMP/idle-ready" "$TMP/idle-go"
        # shellcheck disable=SC2086 # one PID per word
        rss0=$(rss_kib $pids); fd0=$(fd_count $pids)
        java -cp "$HELPER_CP" dev.sluice.bench.WsLoad idle "ws://127.0.0.1:$(ws_port_of "$target")/ws" "$WS_IDLE" \
            "$TMP/idle-ready" "$TMP/idle-go" >"$RAW/ws-idle-$target.txt" 2>"$RAW/ws-idle-$target.txt.err" &
        cpid=$!; PIDS+=("$cpid")
        for _ in $(seq 1 3000); do [[ -e $TMP/idle-ready ]] && break; kill -0 "$cpid" 2>/dev/null || break; sleep 0.1; done
        sleep 1   # the last handshakes settle
        pids=$(proxy_pids "$target")
        # shellcheck disable=SC2086
        rss1=$(rss_kib $pids); fd1=$(fd_count $pids)
        touch "$TMP/idle-go"
        wait "$cpid" || true; forget "$cpid"
        line=$(grep '^mode=idle' "$RAW/ws-idle-$target.txt" || true)
        kv() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$line"; }
        opened=$(kv opened); opened=${opened:-0}
        IDLE_OPEN[$target]=$opened; IDLE_RSS0[$target]=$((rss0 / 1024)); IDLE_RSS1[$target]=$((rss1 / 1024))
        IDLE_KIB[$target]=$(awk -v a="$rss0" -v b="$rss1" -v n="$opened" 'BEGIN { if (n > 0) printf "%.2f", (b - a) / n; else print "-" }')
        IDLE_FDS[$target]=$(awk -v a="$fd0" -v b="$fd1" -v n="$opened" 'BEGIN { if (n > 0) printf "%.2f", (b - a) / n; else print "-" }')
        IDLE_P50[$target]=$(kv p50_us); IDLE_MIS[$target]=$(kv mismatched_bytes)
        IDLE_ERR[$target]=$(kv errors); [[ -n $line ]] || IDLE_ERR[$target]="failed (see raw/ws-idle-$target.txt.err)"
    done
    echo
    echo "Idle WebSocket tunnels: $WS_IDLE opened through each proxy and left idle; VmRSS (/proc/PID/status; nginx: master + workers) and open descriptors before and 1 s after the last opened; then one checked 64-byte round trip on each, then all closed"
    printf '%-7s %8s %13s %12s %12s %11s %11s %9s %7s\n' target opened 'RSS before' 'RSS after' 'KiB/tunnel' 'fds/tunnel' 'check p50' mismatch errors
    for target in $TARGETS; do
        [[ $target != direct ]] || continue
        printf '%-7s %8s %10s MiB %8s MiB %12s %11s %8s µs %9s %7s\n' "$target" "${IDLE_OPEN[$target]}" "${IDLE_RSS0[$target]}" "${IDLE_RSS1[$target]}" \
            "${IDLE_KIB[$target]}" "${IDLE_FDS[$target]}" "${IDLE_P50[$target]:--}" "${IDLE_MIS[$target]:--}" "${IDLE_ERR[$target]}"
        result "WS idle tunnels x$WS_IDLE" 'KiB RSS/tunnel' lower "$target" "${IDLE_KIB[$target]}" - - - - "${IDLE_ERR[$target]}" \
            "opened ${IDLE_OPEN[$target]}; RSS ${IDLE_RSS0[$target]} -> ${IDLE_RSS1[$target]} MiB; ${IDLE_FDS[$target]} fds/tunnel; mismatched bytes ${IDLE_MIS[$target]:--}"
    done
    echo "(a JVM's RSS grows in steps as it touches heap; the JVMs' figures depend on how much heap the earlier load left committed)"
fi

# --- TLS: HTTPS with keep-alive, handshakes per second, wss echo --------------------------------
if [[ $TLS == 1 ]]; then
    # What each server negotiates with an OpenSSL client, and whether it resumes a session
    # offered back to it (openssl s_client: a first connection saves its session, a second offers it).
    tls_probe() {  # tls_probe PORT SESSION_OPTION : the "New, TLSv1.3, Cipher is ..." and "Server Temp Key" lines
        printf 'GET /small.bin HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' |
            timeout 10 openssl s_client -connect "127.0.0.1:$1" -servername localhost -ign_eof "$2" "$TMP/tls/session-$1.pem" 2>/dev/null |
            grep -E '^(New|Reused),|^Server Temp Key:' || true
    }
    declare -A TLS_DESC
    for target in $TLS_TARGETS; do
        port=$(tls_port_of "$target")
        first=$(tls_probe "$port" -sess_out); second=$(tls_probe "$port" -sess_in)
        TLS_DESC[$target]="$(sed -n 's/^New, \([^,]*\), Cipher is \(.*\)/\1 \2/p' <<<"$first")$(sed -n 's/^Server Temp Key: \([^,]*\).*/ \1/p' <<<"$first"), resumes an offered session: $(grep -q '^Reused,' <<<"$second" && echo yes || echo no)"
    done
    # Does wrk resume? nginx logs r (resumed) or . (full) per handshake at /tls-check.
    wrk_resumed() {  # wrk_resumed MODE : "N% of M"
        : >"$TMP/proxy/tls-check.log"
        wrk_as "$1" -t1 -c1 -d1s "https://127.0.0.1:$NGINX_TLS_PORT/tls-check" >/dev/null
        awk '{ n++; if ($1 == "r") r++ } END { if (n) printf "%.0f%% of %d", 100 * r / n, n; else print "? (no log)" }' "$TMP/proxy/tls-check.log"
    }
    WRK_RESUMES=$(wrk_resumed resumed)
    [[ -z $NO_RESUME ]] || WRK_NO_RESUME=$(wrk_resumed full)

    TLS_MODES="keep-alive resumed"
    [[ -z $NO_RESUME ]] || TLS_MODES="$TLS_MODES full"
    tls_url() { echo "https://127.0.0.1:$(tls_port_of "$1")/small.bin"; }
    say "TLS: a warm-up per row ($JVM_WARMUP for the JVMs, $WARMUP for the others), then $ROUNDS interleaved rounds of wrk -t$THREADS -c$CONNECTIONS -d$DURATION"
    for mode in $TLS_MODES; do
        for target in $TLS_TARGETS; do
            say "  warm-up: https $mode, $target"
            wrk_as "$mode" -t"$THREADS" -c"$CONNECTIONS" -d"$(warmup_of "$target")" "$(tls_url "$target")" >/dev/null
        done
    done
    TLS_LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
    for round in $(seq 1 "$ROUNDS"); do
        for mode in $TLS_MODES; do
            for target in $TLS_TARGETS; do
                say "  round $round/$ROUNDS: https $mode, $target"
                measure "tls-$mode-$target" "$(tls_url "$target")" "$round" "$mode"
            done
        done
    done
    for mode in $TLS_MODES; do
        for target in $TLS_TARGETS; do
            k=tls-$mode-$target
            RPS[$k]=$(median <<<"${RPS[$k]}"); P50[$k]=$(median <<<"${P50[$k]}")
            P99[$k]=$(median <<<"${P99[$k]}"); MIBS[$k]=$(median <<<"${MIBS[$k]}")
        done
    done
    TLS_LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
    # shellcheck disable=SC2046 # one PID per word
    NGINX_PROCS=("$NGINX_PID" $(children_of "$NGINX_PID"))
    TLS_RSS_SLUICE=$(($(rss_kib "$SLUICE_JVM") / 1024)); TLS_RSS_NGINX=$(($(rss_kib "${NGINX_PROCS[@]}") / 1024))

    declare -A WSS_MEAN WSS_P50 WSS_P99
    wait_ready wsecho "$WS_PID" "http://127.0.0.1:$WS_PORT/"
    wss_uri_of() { echo "wss://127.0.0.1:$(tls_port_of "$1")/ws"; }
    round_trips WSS wss_uri_of "$TLS_TARGETS" "$TLS_DIR/cert.pem"

    mode_label() { case $1 in keep-alive) echo "$(human_size "$SMALL_BYTES") keep-alive" ;; resumed) echo "handshake resumed" ;; full) echo "handshake full" ;; esac; }
    echo
    echo "TLS: one self-signed EC P-256 (ECDSA) certificate; nginx and HAProxy on $(openssl version | cut -d' ' -f1-2), Sluice on the JDK's JSSE; negotiated with openssl s_client:"
    for target in $TLS_TARGETS; do
        printf '  %-7s %s\n' "$target" "${TLS_DESC[$target]}"
    done
    [[ -z $BASE_TLS_NOTE && ( -z $BASELINE || $BASE_TLS == 1 ) ]] || echo "  base    no TLS rows: BENCH_BASELINE's build did not serve a TLS listener (${BASE_TLS_NOTE:-see base-tls.log})"
    echo "wrk with Connection: close resumed ${WRK_RESUMES} handshakes (nginx's \$ssl_session_reused)${NO_RESUME:+; with wrk-no-resume.so ${WRK_NO_RESUME}}"
    echo "HTTPS GET, median of $ROUNDS rounds of wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency (load average $TLS_LOAD_BEFORE before, $TLS_LOAD_AFTER after)"
    echo "handshake rows: Connection: close, one request per TLS connection (req/s = handshakes/s); full: wrk-no-resume.so"
    printf '%-18s %-7s %10s %9s %9s %9s %7s %12s\n' scenario target 'req/s' 'p50 ms' 'p99 ms' 'MiB/s' errors 'cpu µs/req'
    for mode in $TLS_MODES; do
        for target in $TLS_TARGETS; do
            k=tls-$mode-$target
            printf '%-18s %-7s %10s %9s %9s %9s %7s %12s\n' "$(mode_label "$mode")" "$target" "${RPS[$k]}" "${P50[$k]}" "${P99[$k]}" "${MIBS[$k]}" "${ERRS[$k]}" "$(cpu_of "$k")"
            result "HTTPS $(mode_label "$mode")" req/s higher "$target" "${RPS[$k]}" "${P50[$k]}" "${P99[$k]}" - "$(cpu_of "$k")" "${ERRS[$k]}" "p50/p99 in ms"
        done
    done
    [[ -n $NO_RESUME ]] || echo "(no 'handshake full' rows: no C compiler for wrk-no-resume.so)"
    echo
    echo "TLS ratios (req/s: higher is better for Sluice; p99: lower is better for Sluice)"
    printf '%-18s %-20s %-20s %-18s %-18s\n' scenario 'req/s s/nginx' 'req/s s/haproxy' 'p99 s/nginx' 'p99 s/haproxy'
    for mode in $TLS_MODES; do
        printf '%-18s %-20s %-20s %-18s %-18s\n' "$(mode_label "$mode")" \
            "$(ratio "${RPS[tls-$mode-sluice]}" "${RPS[tls-$mode-nginx]}")" "$(ratio "${RPS[tls-$mode-sluice]}" "${RPS[tls-$mode-haproxy]}")" \
            "$(ratio "${P99[tls-$mode-sluice]}" "${P99[tls-$mode-nginx]}")" "$(ratio "${P99[tls-$mode-sluice]}" "${P99[tls-$mode-haproxy]}")"
    done
    if [[ $BASE_TLS == 1 ]]; then
        echo "A/B: this build (sluice) against BENCH_BASELINE (base), same run"
        for mode in $TLS_MODES; do
            printf '%-18s req/s sluice/base %s   p99 sluice/base %s\n' "$(mode_label "$mode")" \
                "$(ratio "${RPS[tls-$mode-sluice]}" "${RPS[tls-$mode-base]}")" "$(ratio "${P99[tls-$mode-sluice]}" "${P99[tls-$mode-base]}")"
        done
    fi
    echo
    printf 'Memory after the TLS run (VmRSS): Sluice JVM %d MiB; nginx proxy %d MiB (master + %d workers)\n' \
        "$TLS_RSS_SLUICE" "$TLS_RSS_NGINX" $((${#NGINX_PROCS[@]} - 1))

    echo
    echo "wss echo, median of $ROUNDS interleaved rounds of $WS_ROUNDS sequential round trips of a $WS_BYTES-byte text message (after $WS_WARMUP warm-up), one connection, java.net.http client trusting the run's certificate"
    printf '%-7s %10s %9s %9s %14s\n' target 'mean µs' 'p50 µs' 'p99 µs' 'p50 vs its ws'
    for target in $TLS_TARGETS; do
        printf '%-7s %10s %9s %9s %14s\n' "$target" "${WSS_MEAN[$target]}" "${WSS_P50[$target]}" "${WSS_P99[$target]}" \
            "$(if [[ $WS == 1 ]]; then ratio "${WSS_P50[$target]}" "${WS_P50[$target]}"; else echo -; fi)"
        result "wss round trip $(human_size "$WS_BYTES") x1" 'p50 µs' lower "$target" "${WSS_P50[$target]}" "${WSS_P50[$target]}" "${WSS_P99[$target]}" - - 0 \
            "sequential, one connection; mean ${WSS_MEAN[$target]} µs"
    done
    echo "wss p50 sluice/nginx $(ratio "${WSS_P50[sluice]}" "${WSS_P50[nginx]}"), sluice/haproxy $(ratio "${WSS_P50[sluice]}" "${WSS_P50[haproxy]}"); mean sluice/nginx $(ratio "${WSS_MEAN[sluice]}" "${WSS_MEAN[nginx]}"), sluice/haproxy $(ratio "${WSS_MEAN[sluice]}" "${WSS_MEAN[haproxy]}") (lower is better for Sluice)"
    [[ $BASE_TLS == 0 ]] || echo "A/B: wss p50 sluice/base $(ratio "${WSS_P50[sluice]}" "${WSS_P50[base]}"), mean sluice/base $(ratio "${WSS_MEAN[sluice]}" "${WSS_MEAN[base]}")"
fi

# --- cold: a freshly started JVM, the first seconds after its listener answers -----------------
if [[ $COLD == 1 ]]; then
    wrk_errs() { awk '/Non-2xx or 3xx responses:/ { n += $NF }
        /Socket errors:/ { gsub(/,/, ""); n += $4 + $6 + $8 + $10 } END { print n + 0 }' "$1"; }
    COLD_TARGETS="sluice"
    [[ -z $BASELINE ]] || COLD_TARGETS="$COLD_TARGETS base"
    declare -A COLD_RPS COLD_READY COLD_SLICES COLD_CPU COLD_ERR
    for target in $COLD_TARGETS; do
        say "  cold: restarting $target, then ${COLD_SECONDS} s of wrk in 1 s slices"
        if [[ $target == sluice ]]; then
            # shellcheck disable=SC2046 # nothing, or the JVM's PID
            stop_now "$SLUICE_PID" $([[ $SLUICE_JVM == "$SLUICE_PID" ]] || echo "$SLUICE_JVM")
            started=$(date +%s%N)
            start_sluice sluice-cold; SLUICE_PID=$LAST_PID
            wait_ready sluice-cold "$SLUICE_PID" "$SLUICE/small.bin"
            SLUICE_JVM=$(jvm_of "$SLUICE_PID"); [[ $SLUICE_JVM == "$SLUICE_PID" ]] || PIDS+=("$SLUICE_JVM")
        else
            # shellcheck disable=SC2046
            stop_now "$BASE_PID" $([[ $BASE_JVM == "$BASE_PID" ]] || echo "$BASE_JVM")
            conf=$TMP/base.yaml; [[ $BASE_TLS == 0 ]] || conf=$TMP/base-tls.yaml
            started=$(date +%s%N)
            JAVA_OPTS=$BASE_JAVA_OPTS spawn base-cold "$BASELINE/bin/sluice" -c "$conf"; BASE_PID=$LAST_PID
            wait_ready base-cold "$BASE_PID" "$BASE/small.bin"
            BASE_JVM=$(jvm_of "$BASE_PID"); [[ $BASE_JVM == "$BASE_PID" ]] || PIDS+=("$BASE_JVM")
        fi
        COLD_READY[$target]=$(( ($(date +%s%N) - started) / 1000000 ))
        pids=$(proxy_pids "$target")
        # shellcheck disable=SC2086 # one PID per word
        c0=$(proc_ticks $pids)
        total=0; secs=0; errs=0; slices=""
        for i in $(seq 1 "$COLD_SECONDS"); do
            out=$RAW/wrk-cold-$target-$i.txt
            wrk -t"$THREADS" -c"$CONNECTIONS" -d1s "$(url_of "$target" small)" >"$out"
            n=$(awk '/ requests in / { print $1 + 0 }' "$out")
            d=$(awk '/ requests in / { sub(/s,?$/, "", $4); print $4 + 0 }' "$out")
            total=$((total + n)); secs=$(awk -v a="$secs" -v b="$d" 'BEGIN { print a + b }')
            errs=$((errs + $(wrk_errs "$out")))
            slices+=" $(awk -v n="$n" -v d="$d" 'BEGIN { printf "%.0f", (d > 0 ? n / d : 0) }')"
        done
        # shellcheck disable=SC2086
        c1=$(proc_ticks $pids)
        COLD_RPS[$target]=$(awk -v n="$total" -v d="$secs" 'BEGIN { printf "%.0f", (d > 0 ? n / d : 0) }')
        COLD_CPU[$target]=$(cpu_us "$((c1 - c0))" "$total")
        COLD_ERR[$target]=$errs; COLD_SLICES[$target]=${slices# }
    done
    echo
    echo "Cold: a freshly started JVM (stopped and started again after everything above), wrk -t$THREADS -c$CONNECTIONS on $(human_size "$SMALL_BYTES") in 1 s slices for the first $COLD_SECONDS s after its listener answered; warm = the HTTP table's median"
    printf '%-7s %9s %14s %11s %10s %11s %7s  %s\n' target 'ready ms' "req/s first ${COLD_SECONDS}s" 'warm req/s' 'cold/warm' 'cpu µs/req' errors 'req/s per 1 s slice'
    for target in $COLD_TARGETS; do
        printf '%-7s %9s %14s %11s %10s %11s %7s  %s\n' "$target" "${COLD_READY[$target]}" "${COLD_RPS[$target]}" "${RPS[small-$target]}" \
            "$(ratio "${COLD_RPS[$target]}" "${RPS[small-$target]}")" "${COLD_CPU[$target]}" "${COLD_ERR[$target]}" "${COLD_SLICES[$target]}"
        result "HTTP GET $(human_size "$SMALL_BYTES") cold, first ${COLD_SECONDS} s" req/s higher "$target" "${COLD_RPS[$target]}" - - - \
            "${COLD_CPU[$target]}" "${COLD_ERR[$target]}" "ready after ${COLD_READY[$target]} ms; warm ${RPS[small-$target]} req/s; cold/warm $(ratio "${COLD_RPS[$target]}" "${RPS[small-$target]}")"
    done
    echo "ready ms: from starting the launcher to the first answer on its listener (polled every 0.1 s); cpu µs/req includes the JIT compiler's threads"
fi

# --- results folder: results.md and ratios.svg ---------------------------------------------------
{
    echo "Sluice $(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo '(no git)') ($MODE${SLUICE_JAVA_OPTS:+, JAVA_OPTS $SLUICE_JAVA_OPTS}); $(java -version 2>&1 | head -n1); nginx $(nginx -v 2>&1 | sed 's/.*: //'); $(haproxy -v 2>&1 | head -n1 | cut -d' ' -f1-3); $(wrk -v 2>&1 | head -n1 | cut -d' ' -f1-2)"
    echo "$(nproc) cores; load average $LOAD_BEFORE before the HTTP part, $(cut -d' ' -f1-3 /proc/loadavg) at the end; $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "wrk -t$THREADS -c$CONNECTIONS, median of $ROUNDS rounds of $DURATION after a warm-up ($JVM_WARMUP for Sluice and base, $WARMUP for the others); WebSocket load $WS_LOAD_DURATION after $WS_LOAD_WARMUP; echo backend $WS_ECHO_THREADS IO thread"
    [[ -z $BASELINE ]] || echo "base: $BASELINE${BASE_JAVA_OPTS:+ (JAVA_OPTS $BASE_JAVA_OPTS)}"
} >"$RESULTS/meta.txt"
cp "$TMP/sluice.yaml" "$TMP/haproxy.cfg" "$RESULTS/raw/" 2>/dev/null || true
cp "$TMP/proxy/nginx.conf" "$RESULTS/raw/nginx-proxy.conf" 2>/dev/null || true
if python3 "$BENCH_SRC/report.py" "$RESULTS"; then
    echo
    echo "Results: $RESULTS/results.md, $RESULTS/ratios.svg (raw outputs in $RESULTS/raw/)"
else
    say "note: report.py failed; the figures are in $RESULTS/results.tsv and report.txt"
fi
