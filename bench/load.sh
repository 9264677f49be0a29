#!/usr/bin/env bash
# Load bench (README "Performance" → "Load bench"): the Release build of Portal on a fresh database in a temp folder,
# ports picked at run time, driven by sipp over UDP on 127.0.0.1.
#
#   bench/load.sh [calls] [--kamailio]    warm-up, then a sweep of call rates (authenticated call, answer, BYE at once)
#   bench/load.sh calls --nodes N         the same sweep through Kamailio with deploy/kamailio/portal-dispatcher.cfg in
#                                         front of N Portal nodes on one PostgreSQL and one Redis (throwaway ones,
#                                         scripts/test-services.sh): README "Several machines"
#   bench/load.sh held [N]                N concurrent calls held (default 5000): memory per held call
#   bench/load.sh register                1,000 accounts, a sweep of REGISTER rates with digest
#
# Options: --rates "250 500 …" (the sweep), --seconds S (each rate, default 10), --warmup N (calls, default 3000),
# --portal-dir DIR (reuse a published build holding Portal.dll instead of publishing one).
# On a shared machine hold the build lock for the whole run, so no build competes with the measurement:
#   flock /tmp/portal-build.lock bench/load.sh calls
# Needs sipp (Debian sip-tester), python3, kamailio for --kamailio and --nodes, postgresql and redis-server for --nodes. Exits non-zero if it could not run.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"

mode=calls kamailio=0 nodes=0 rates="" seconds=10 warmup=3000 portal_dir="" held=5000
while [ $# -gt 0 ]; do
  case "$1" in
    calls|register) mode="$1" ;;
    held) mode=held; if [[ "${2:-}" =~ ^[0-9]+$ ]]; then held="$2"; shift; fi ;;
    --kamailio) kamailio=1 ;;
    --nodes) nodes="$2"; shift ;;
    --rates) rates="$2"; shift ;;
    --seconds) seconds="$2"; shift ;;
    --warmup) warmup="$2"; shift ;;
    --portal-dir) portal_dir="$2"; shift ;;
    *) echo "usage: $0 [calls [--kamailio|--nodes N]|held [N]|register] [--rates \"R …\"] [--seconds S] [--warmup N] [--portal-dir DIR]" >&2; exit 2 ;;
  esac
  shift
done
[ "$kamailio" = 1 ] && [ "$mode" != calls ] && { echo "--kamailio goes with the calls sweep only" >&2; exit 2; }
for tool in sipp python3; do command -v "$tool" >/dev/null || { echo "$tool is missing (apt-get install sip-tester python3)" >&2; exit 1; }; done
[[ "$nodes" =~ ^[0-9]+$ ]] || { echo "--nodes takes a number" >&2; exit 2; }
[ "$nodes" -gt 0 ] && { [ "$mode" != calls ] || [ "$kamailio" = 1 ]; } && { echo "--nodes goes with the calls sweep only, without --kamailio" >&2; exit 2; }
[ "$nodes" -gt 0 ] && ! command -v kamailio >/dev/null && { echo "kamailio is missing (apt-get install kamailio)" >&2; exit 1; }
[ "$kamailio" = 1 ] && ! command -v kamailio >/dev/null && { echo "kamailio is missing (apt-get install kamailio)" >&2; exit 1; }

work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ "$nodes" -gt 0 ] && declare -F stop_test_services >/dev/null; then stop_test_services; fi
  if [ -n "${KEEP_WORK:-}" ]; then echo "work folder kept: $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
hz=$(getconf CLK_TCK)
scenarios="$repo/bench/scenarios"
password='alice-password-1'

# The server under test: its pid, and every process of it (Kamailio forks its workers; with --nodes, the nodes too).
server_pid="" node_pids=()
server_pids() {
  echo "$server_pid"
  { [ "$kamailio" = 1 ] || [ "$nodes" -gt 0 ]; } && pgrep -P "$server_pid" || true
  [ "$nodes" -gt 0 ] && printf '%s\n' "${node_pids[@]}"
  true
}
cpu_ticks() { local t=0 p; for p in $(server_pids); do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo "$t"; }
# Portal is one process: its resident set. Kamailio's workers share memory, so their proportional set sizes add up.
rss_mb() {
  if [ "$nodes" -gt 0 ]; then
    local kb=0 p
    for p in $(pgrep -P "$server_pid") "$server_pid"; do kb=$((kb + $(awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup"))); done
    for p in "${node_pids[@]}"; do kb=$((kb + $(awk '/^VmRSS:/ {print $2}' "/proc/$p/status"))); done
    echo $((kb / 1024))
  elif [ "$kamailio" = 1 ]; then
    local kb=0 p; for p in $(server_pids); do kb=$((kb + $(awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup"))); done
    echo $((kb / 1024))
  else
    awk '/^VmRSS:/ {print int($2 / 1024)}' "/proc/$server_pid/status"
  fi
}
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$server_pid/status"; }

# Last value of a column, by its header name, in a sipp -trace_stat file (';'-separated, cumulative "(C)" columns).
sipp_stat() {
  awk -F';' -v col="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i; next } { v = $c } END { print v + 0 }' "$1"
}

sip_port="$(free_port)" callee_port="$(free_port)"
while [ "$callee_port" = "$sip_port" ]; do callee_port="$(free_port)"; done

publish_portal() {
  if [ -z "$portal_dir" ]; then
    portal_dir="$work/publish"
    echo "publishing the Release build of Portal…" >&2
    dotnet publish Portal/Portal.csproj -c Release -o "$portal_dir" -nologo -v quiet >/dev/null
  fi
  [ -f "$portal_dir/Portal.dll" ] || { echo "no Portal.dll in $portal_dir" >&2; exit 1; }
}

# Flood control, failed-auth blocks, the per-owner call cap, velocity limits and the per-owner dialplan
# concurrency are for the public internet and many owners; the bench has one owner, so they are off or out of
# reach here and the bench measures the call path. The tables keep their default bounds.
bench_settings=(--Sip:DirectDial:DeniedNetworks=none --Sip:Limits:RequestsPerSecondPerAddress=0 --Sip:MaxConcurrentCallsPerOwner=100000
  --Sip:Limits:AuthFailuresPerAddress=1000000 --Sip:Limits:AuthFailuresPerAccount=1000000
  --Sip:MaxCallsPerHourPerOwner=0 --Sip:MaxCallsPerDayPerOwner=0 --Sip:MaxDialplanEvaluationsPerOwner=1000
  --Logging:LogLevel:Default=Warning)

# The owner, alice and her dialplan, with the admin commands of "${portal[@]}".
make_owner() {
  "${portal[@]}" user add owner --email owner@example.test --password 'owner-password-1' >/dev/null 2>&1
  echo "when /.*/ then sys.Dial(\"\${dst}@127.0.0.1:$callee_port\")" > "$work/default.rules"
  "${portal[@]}" dialplan set owner default --file "$work/default.rules" >/dev/null
  "${portal[@]}" sip-account add owner alice --password "$password" --out-dialplan default >/dev/null
}

# wait_for_udp <pid> <port> <log> <name>: the log is at Warning (per-call lines would cost CPU under load), so wait
# for the port to be bound.
wait_for_udp() {
  for _ in $(seq 300); do
    kill -0 "$1" 2>/dev/null || { cat "$3" >&2; echo "$4 did not start" >&2; exit 1; }
    ss -lun | grep -q "127.0.0.1:$2 " && { sleep 1; return; }
    sleep 0.2
  done
  echo "$4 did not listen on $2" >&2; exit 1
}

start_portal() {
  publish_portal
  portal=(dotnet "$portal_dir/Portal.dll" "--ConnectionStrings:Portal=Data Source=$work/portal.db"
    "--Portal:DataProtectionKeysPath=$work/keys" --Sip:Domains=sip.example.test)
  make_owner
  [ "$mode" = register ] && make_accounts
  "${portal[@]}" "--Sip:Listen=udp:127.0.0.1:$sip_port,tcp:127.0.0.1:$sip_port" "--urls=http://127.0.0.1:$(free_port)" \
    "${bench_settings[@]}" > "$work/server.log" 2>&1 &
  server_pid=$!; pids+=("$server_pid")
  wait_for_udp "$server_pid" "$sip_port" "$work/server.log" Portal
}

# --nodes N: throwaway PostgreSQL and Redis, N nodes sharing them, and Kamailio with the shipped dispatcher
# configuration on $sip_port in front of them (the node list and listen address substituted, as the tests do).
start_cluster() {
  # shellcheck source=../scripts/test-services.sh
  source "$repo/scripts/test-services.sh"
  start_postgres >&2
  start_redis >&2
  publish_portal
  portal=(dotnet "$portal_dir/Portal.dll" --Database:Provider=Postgres
    "--ConnectionStrings:Portal=${PORTAL_TEST_POSTGRES/Database=postgres/Database=portal_bench}"
    "--Cluster:Redis=$PORTAL_TEST_REDIS" --Sip:Domains=sip.example.test)
  make_owner
  local i port list="$work/portal-nodes.list"
  : > "$list"
  for i in $(seq "$nodes"); do
    port="$(free_port)"
    "${portal[@]}" "--Cluster:NodeId=node-$i" "--Sip:Listen=udp:127.0.0.1:$port,tcp:127.0.0.1:$port" \
      "--urls=http://127.0.0.1:$(free_port)" "${bench_settings[@]}" > "$work/node-$i.log" 2>&1 &
    node_pids+=($!); pids+=($!)
    wait_for_udp "$!" "$port" "$work/node-$i.log" "node-$i"
    echo "1 sip:127.0.0.1:$port 0 0" >> "$list"
  done
  mkdir -p "$work/kamailio"
  sed -e "s/0\.0\.0\.0:5060/127.0.0.1:$sip_port/" -e "s#/etc/kamailio/portal-nodes.list#$list#" \
    "$repo/deploy/kamailio/portal-dispatcher.cfg" > "$work/kamailio/kamailio.cfg"
  kamailio -f "$work/kamailio/kamailio.cfg" -DD -E -m 256 -M 16 -Y "$work/kamailio" -P "$work/kamailio/kamailio.pid" \
    > "$work/server.log" 2>&1 &
  server_pid=$!; pids+=("$server_pid")
  wait_for_udp "$server_pid" "$sip_port" "$work/server.log" Kamailio
}

start_kamailio() {
  mkdir -p "$work/kamailio"
  kamailio -f "$repo/bench/kamailio/bench.cfg" -DD -E -l "udp:127.0.0.1:$sip_port" -A "CALLEE=\"sip:127.0.0.1:$callee_port\"" \
    -m 256 -M 16 -Y "$work/kamailio" -P "$work/kamailio/kamailio.pid" > "$work/server.log" 2>&1 &
  server_pid=$!; pids+=("$server_pid")
  for _ in $(seq 100); do
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; echo "Kamailio did not start" >&2; exit 1; }
    ss -lun | grep -q "127.0.0.1:$sip_port " && { sleep 1; return; }
    sleep 0.1
  done
  echo "Kamailio did not listen on $sip_port" >&2; exit 1
}

# The register sweep needs 1,000 accounts. The admin command costs about 3 s of CPU per run (a .NET start and a
# migration check), 1,000 runs most of an hour on two cores; so alice is made by the command (above) and the other
# 999 are her row copied in SQLite with their own names and HA1s, computed as the service does (hex MD5 and SHA-256
# of user:realm:password, RFC 3261 §22.4, RFC 8760), before the server starts and reads its directory.
make_accounts() {
  local started=$SECONDS
  python3 - "$work/portal.db" "$work/users.csv" <<'PY'
import hashlib, sqlite3, sys
db, csv = sys.argv[1], sys.argv[2]
con = sqlite3.connect(db)
cols = [r[1] for r in con.execute("PRAGMA table_info(SipAccounts)") if r[1] != "Id"]
row = dict(zip(cols, con.execute(f"SELECT {','.join(cols)} FROM SipAccounts WHERE Username='alice'").fetchone()))
lines = ["SEQUENTIAL", "alice;[authentication username=alice password=alice-password-1]"]
for i in range(1, 1000):
    user, password = f"load{i:04d}", f"load-password-{i:04d}"
    a1 = f"{user}:{row['Realm']}:{password}".encode()
    row.update(Username=user, Ha1Md5=hashlib.md5(a1).hexdigest(), Ha1Sha256=hashlib.sha256(a1).hexdigest())
    con.execute(f"INSERT INTO SipAccounts ({','.join(cols)}) VALUES ({','.join('?' * len(cols))})", [row[c] for c in cols])
    lines.append(f"{user};[authentication username={user} password={password}]")
con.commit()
open(csv, "w").write("\n".join(lines) + "\n")
PY
  echo "setup: 1,000 SIP accounts in $((SECONDS - started)) s (1 by the admin command, 999 copied in SQLite)"
}

start_callee() {
  mkdir -p "$work/callee"
  (cd "$work/callee" && exec sipp -sf "$scenarios/load-callee.xml" -i 127.0.0.1 -p "$callee_port" -buff_size 4194304 \
    -trace_stat -stf stat.csv -fd 1 -nostdin < /dev/null > screen.txt 2>&1) &
  callee_pid=$!; pids+=("$callee_pid")
  sleep 1
  kill -0 "$callee_pid" 2>/dev/null || { cat "$work/callee/screen.txt" >&2; echo "sipp callee did not start" >&2; exit 1; }
}

# Runs one sipp caller to the end: run_caller <name> <rate> <calls> [extra sipp options]. Its files land in $work/<name>.
run_caller() {
  local name="$1" rate="$2" calls="$3"; shift 3
  mkdir -p "$work/$name"
  # Its CPU time (user + system seconds) goes to cpu.txt: with the callee's, it shows when sipp is the bottleneck.
  local TIMEFORMAT='%U %S'
  { time (cd "$work/$name" && sipp "127.0.0.1:$sip_port" -sf "$scenarios/load-caller.xml" -s bench -au alice -ap "$password" \
    -i 127.0.0.1 -p "$(free_port)" -r "$rate" -m "$calls" -l $((rate * 60 + calls)) -buff_size 4194304 -nostdin \
    -trace_stat -stf stat.csv -fd 1 -trace_rtt -rtt_freq 1 "$@" < /dev/null > screen.txt 2>&1 || true) ; } 2> "$work/$name/cpu.txt"
}

# Call setup time: sipp 3.6 on Debian 12 writes every measured response time with -trace_rtt (one line per call:
# date_ms;response_time_ms;rtd_no, flushed every -rtt_freq calls), which gives exact percentiles; the rtd histogram
# in the -trace_stat file has fixed buckets only (-rtd_freq / ResponseTimeRepartition), too coarse for a p99.
percentiles() {
  cat "$1"/*_rtt.csv 2>/dev/null | awk -F';' '$3 == 1 { print $2 }' | sort -n | awk '
    { v[NR] = $1 }
    END {
      if (NR == 0) { print "- -"; exit }
      i50 = int(NR * 0.50); if (i50 < 1) i50 = 1
      i99 = int(NR * 0.99); if (i99 < 1) i99 = 1
      printf "%.1f %.1f\n", v[i50], v[i99]
    }'
}

sweep_calls() {
  echo "warm-up: $warmup calls at 500/s" >&2
  run_caller warmup 500 "$warmup"
  [ "$(sipp_stat "$work/warmup/stat.csv" SuccessfulCall\(C\))" -gt 0 ] || { cat "$work/warmup/screen.txt" >&2; echo "no call got through in the warm-up" >&2; exit 1; }
  sleep 3
  # sipp_cpu: the sipp caller's and callee's CPU over the run, in % of one core (the machine has two, shared with
  # the server); near 100 % each, sipp rather than the server sets the pace.
  printf '%-8s %10s %8s %10s %12s %8s %9s %9s %9s\n' target calls/s failed retrans cpu/call_ms rss_MB p50_ms p99_ms sipp_cpu%
  local rate
  for rate in ${rates:-250 500 1000 1500 2000}; do
    local callee_ticks callee_retrans_before callee_failed_before ticks_before ticks t0 t1 ok failed retrans p50 p99
    callee_retrans_before=$(sipp_stat "$work/callee/stat.csv" Retransmissions\(C\))
    callee_failed_before=$(sipp_stat "$work/callee/stat.csv" FailedCall\(C\))
    ticks_before=$(cpu_ticks) t0=$(date +%s.%N) callee_ticks=$(awk '{print $14 + $15}' "/proc/$callee_pid/stat")
    run_caller "rate-$rate" "$rate" $((rate * seconds))
    t1=$(date +%s.%N)
    ticks=$(( $(cpu_ticks) - ticks_before ))
    callee_ticks=$(( $(awk '{print $14 + $15}' "/proc/$callee_pid/stat") - callee_ticks ))
    sleep 2   # the callee's statistics are written once a second
    ok=$(sipp_stat "$work/rate-$rate/stat.csv" SuccessfulCall\(C\))
    failed=$(( $(sipp_stat "$work/rate-$rate/stat.csv" FailedCall\(C\)) + $(sipp_stat "$work/callee/stat.csv" FailedCall\(C\)) - callee_failed_before ))
    retrans=$(( $(sipp_stat "$work/rate-$rate/stat.csv" Retransmissions\(C\)) + $(sipp_stat "$work/callee/stat.csv" Retransmissions\(C\)) - callee_retrans_before ))
    read -r p50 p99 < <(percentiles "$work/rate-$rate")
    printf '%-8s %10s %8s %10s %12s %8s %9s %9s %9s\n' "$rate" "$(awk -v n="$ok" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", n / (b - a) }')" \
      "$failed" "$retrans" "$(awk -v t="$ticks" -v hz="$hz" -v n="$ok" 'BEGIN { printf "%.3f", n ? t * 1000 / hz / n : 0 }')" \
      "$(rss_mb)" "$p50" "$p99" \
      "$(awk -v c="$(cat "$work/rate-$rate/cpu.txt")" -v k="$callee_ticks" -v hz="$hz" -v a="$t0" -v b="$t1" \
        'BEGIN { split(c, u, " "); printf "%.0f+%.0f", (u[1] + u[2]) * 100 / (b - a), k / hz * 100 / (b - a) }')"
  done
  echo "RSS after the sweep: $(rss_mb) MB"
  local idle_ticks; idle_ticks=$(cpu_ticks)
  sleep 30
  echo "RSS after 30 s idle: $(rss_mb) MB (CPU over those 30 s: $(( ($(cpu_ticks) - idle_ticks) * 1000 / hz )) ms)"
}

hold_calls() {
  local rate=500
  echo "warm-up: $warmup calls at $rate/s" >&2
  run_caller warmup "$rate" "$warmup"
  sleep 10
  local idle; idle=$(rss_kb)
  echo "RSS idle (after the warm-up): $((idle / 1024)) MB"
  # Each call is held from its answer until well after the last one is set up; the RSS is read while all are up.
  local setup=$(( (held + rate - 1) / rate ))
  run_caller held "$rate" "$held" -d $(( (setup + 30) * 1000 )) -timeout $((setup + 20))s &
  local caller=$! current=0
  for _ in $(seq $((setup * 2 + 20))); do
    sleep 1
    current=$(sipp_stat "$work/callee/stat.csv" CurrentCall)
    [ "$current" -ge "$held" ] && break
  done
  sleep 3
  current=$(sipp_stat "$work/callee/stat.csv" CurrentCall)
  local holding; holding=$(rss_kb)
  echo "calls held (the callee's count): $current of $held"
  echo "RSS while holding: $((holding / 1024)) MB"
  echo "memory per held call: $(( (holding - idle) * 1024 / (current > 0 ? current : 1) )) bytes"
  wait "$caller" || true
}

register_sweep() {
  local reg_port; reg_port="$(free_port)"
  printf '%-8s %10s %8s %10s %12s %8s\n' target reg/s failed retrans cpu/reg_ms rss_MB
  local rate registered=0
  for rate in ${rates:-1000 2000 5000 10000}; do
    mkdir -p "$work/reg-$rate"
    local ticks_before t0 t1 ok
    ticks_before=$(cpu_ticks) t0=$(date +%s.%N)
    (cd "$work/reg-$rate" && sipp "127.0.0.1:$sip_port" -sf "$scenarios/load-register.xml" -inf "$work/users.csv" \
      -i 127.0.0.1 -p "$reg_port" -r "$rate" -m $((rate * seconds)) -l $((rate * 60)) -buff_size 4194304 -nostdin \
      -trace_stat -stf stat.csv -fd 1 < /dev/null > screen.txt 2>&1) || true
    t1=$(date +%s.%N)
    ticks=$(( $(cpu_ticks) - ticks_before ))
    ok=$(sipp_stat "$work/reg-$rate/stat.csv" SuccessfulCall\(C\))
    printf '%-8s %10s %8s %10s %12s %8s\n' "$rate" "$(awk -v n="$ok" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", n / (b - a) }')" \
      "$(sipp_stat "$work/reg-$rate/stat.csv" FailedCall\(C\))" "$(sipp_stat "$work/reg-$rate/stat.csv" Retransmissions\(C\))" \
      "$(awk -v t="$ticks" -v hz="$hz" -v n="$ok" 'BEGIN { printf "%.3f", n ? t * 1000 / hz / n : 0 }')" "$(rss_mb)"
    registered=$((registered + ok))
  done
  # A rate the service cannot take is a figure; no registration at any rate means the bench did not work.
  [ "$registered" -gt 0 ] || { cat "$work/reg-$rate/screen.txt" >&2; echo "no registration succeeded" >&2; exit 1; }
}

if [ "$kamailio" = 1 ]; then start_kamailio; elif [ "$nodes" -gt 0 ]; then start_cluster; else start_portal; fi
echo "$( [ "$kamailio" = 1 ] && echo "Kamailio $(kamailio -v | awk 'NR == 1 {print $3}')" ||
  { [ "$nodes" -gt 0 ] && echo "$nodes Portal node(s) behind the Kamailio dispatcher" || echo Portal; }) on udp:127.0.0.1:$sip_port, $(nproc) cores, $(date -u '+%Y-%m-%d %H:%M UTC')"
case "$mode" in
  calls) start_callee; sweep_calls ;;
  held) start_callee; hold_calls ;;
  register) register_sweep ;;
esac
