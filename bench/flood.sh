#!/usr/bin/env bash
# Hostile-traffic bench (README "On a public address"): starts the Release build of Portal on a fresh database
# with ports picked at run time, attacks it, and measures what a monitor on another address sees meanwhile.
#
#   bench/flood.sh flood [rate] [seconds]   INVITE flood from 127.0.0.1 (default 2000/s for 20 s)
#   bench/flood.sh regex [rate] [seconds]   calls into a dialplan of 1000 catastrophic regexes (default 20/s for 20 s)
#   bench/flood.sh crack [seconds]          svcrack against one account (default 60 s): guesses the service evaluated
#
# Each prints the OPTIONS probe's answered share and p50/p99/max (OPTIONS from 127.0.0.2 at 50/s), and the
# service's CPU time over the run. Needs sipp, sipvicious and python3 (scripts/test.sh installs the first two).
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-flood}"
work="$(mktemp -d)"
portal_pid=""
cleanup() {
  [ -n "$portal_pid" ] && kill "$portal_pid" 2>/dev/null && wait "$portal_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

dotnet build -c Release Portal/Portal.csproj -v q -nologo >/dev/null
portal=(dotnet Portal/bin/Release/net10.0/Portal.dll "--ConnectionStrings:Portal=Data Source=$work/portal.db" --Sip:Domains=sip.example.test
  "--Portal:DataProtectionKeysPath=$work/keys")
"${portal[@]}" user add owner --email owner@example.test --password 'owner-password-1' >/dev/null
"${portal[@]}" sip-account add owner alice --password 'alice-password-1' >/dev/null

if [ "$mode" = regex ]; then
  # 1000 rules that each take exponential time on a backtracking engine for "aaa…a!".
  for _ in $(seq 1000); do echo 'when /^(a+)+$/ then sys.Dial("x@local")'; done > "$work/storm.rules"
  "${portal[@]}" dialplan set owner storm --file "$work/storm.rules" >/dev/null
  "${portal[@]}" sip-account add owner storm --password 'storm-password-1' --out-dialplan storm >/dev/null
fi

sip_port="$(free_port)"
"${portal[@]}" "--Sip:Listen=udp:127.0.0.1:$sip_port,tcp:127.0.0.1:$sip_port" "--urls=http://127.0.0.1:$(free_port)" \
  --Sip:DirectDial:DeniedNetworks=none > "$work/portal.log" 2>&1 &
portal_pid=$!
for _ in $(seq 100); do
  grep -q "SIP service listening" "$work/portal.log" 2>/dev/null && break
  sleep 0.2
done

cpu_ticks() { awk '{print $14 + $15}' "/proc/$portal_pid/stat"; }
hz=$(getconf CLK_TCK)
before=$(cpu_ticks)

case "$mode" in
  flood)
    rate="${2:-2000}" seconds="${3:-20}"
    sipp "127.0.0.1:$sip_port" -sf Portal.Tests/EndToEnd/Scenarios/flood-invite.xml -i 127.0.0.1 -p "$(free_port)" \
      -r "$rate" -m $((rate * seconds)) -buff_size 4194304 -timeout "$((seconds + 10))s" -bg >/dev/null 2>&1 || true
    python3 bench/options_probe.py 127.0.0.2 127.0.0.1 "$sip_port" 50 "$seconds"
    pkill -f "flood-invite.xml" || true
    echo "flood: $rate INVITE/s for $seconds s from 127.0.0.1; bans logged: $(grep -c 'SIP flood' "$work/portal.log" || true)"
    ;;
  regex)
    rate="${2:-20}" seconds="${3:-20}"
    sipp "127.0.0.1:$sip_port" -sf bench/scenarios/call-refused-auth.xml -i 127.0.0.1 -p "$(free_port)" -s "$(printf 'a%.0s' $(seq 30))!" \
      -au storm -ap 'storm-password-1' -r "$rate" -m $((rate * seconds)) -buff_size 4194304 -timeout "$((seconds + 20))s" \
      -default_behaviors all,-abortunexp -trace_stat -stf "$work/regex-stat.csv" > "$work/sipp-regex.log" 2>&1 &
    sipp_pid=$!
    python3 bench/options_probe.py 127.0.0.2 127.0.0.1 "$sip_port" 50 "$seconds"
    wait "$sipp_pid" || true
    echo "regex storm: $rate calls/s into 1000 x /^(a+)+\$/ for $seconds s; calls refused as the dialplan ran out of budget: $(grep -c 'budget\|took too long' "$work/portal.log" || true)"
    ;;
  crack)
    seconds="${2:-60}"
    for i in $(seq 100000); do echo "guess-$i"; done > "$work/words.txt"
    timeout "$seconds" svcrack -u alice -d "$work/words.txt" "udp://127.0.0.1:$sip_port" >/dev/null 2>&1 || true
    echo "crack: svcrack for $seconds s; guesses the service checked: $(grep -c 'SIP auth failed' "$work/portal.log" || true); blocks: $(grep -c 'SIP auth blocked' "$work/portal.log" || true)"
    ;;
  *) echo "usage: $0 flood|regex|crack [...]" >&2; exit 2 ;;
esac

after=$(cpu_ticks)
echo "service CPU over the run: $(( (after - before) * 1000 / hz )) ms"
sleep 5
idle_before=$(cpu_ticks); sleep 5; idle_after=$(cpu_ticks)
echo "service CPU in the 5 s after the attack ended (5 s later): $(( (idle_after - idle_before) * 1000 / hz )) ms"
