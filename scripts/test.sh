#!/usr/bin/env bash
# The one test command (README, .ci/run): installs what the tests need, builds, runs every test, and ends with
# one line "N passed, N failed, N skipped". Exits non-zero when anything failed.
set -euo pipefail
cd "$(dirname "$0")/.."

# Real peers the end-to-end tests drive (DESIGN §9), and Ruby to run the portal's Tropo Ruby snippet against the
# service, aiosmtpd as the mail server the account-mail tests read, SIPVicious to attack the service with, tshark
# to read back the pcap a call's SIP ladder exports, Kamailio (a proxy in front of the phones or the service),
# Linphone (linphonec, a phone run headless), and the PostgreSQL and Redis servers of the several-machines tests
# (DESIGN §11). Installed only when missing, and only as root.
packages=(chromium sip-tester baresip-core sipsak ruby python3-aiosmtpd sipvicious tshark kamailio linphone-cli postgresql redis-server)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
  if [ "$(id -u)" = 0 ]; then
    echo "Installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "warning: missing ${missing[*]} (run as root to install them); tests that need them will fail" >&2
  fi
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
results="$(pwd)/.test-output"
rm -rf "$results"
mkdir -p "$results"

dotnet build Portal.sln -c Release -nologo -v quiet

# A throwaway PostgreSQL cluster and Redis server on free ports, gone when the script ends however it ends.
source scripts/test-services.sh
trap stop_test_services EXIT
start_postgres
start_redis

status=0
dotnet test Portal.sln -c Release --no-build -nologo \
  --logger "trx;LogFileName=results.trx" --results-directory "$results" || status=$?

# The data layer and the services, API, admin commands and SIP integration behind the web app once more on
# PostgreSQL (README, Several machines): each test host gets a database of its own on the throwaway cluster. The
# SIP stack, the pages and the end-to-end calls reach the database only through those, so they run once.
PORTAL_TEST_DATABASE=postgres dotnet test Portal.Tests -c Release --no-build -nologo \
  --filter "FullyQualifiedName~Portal.Tests.Data.|FullyQualifiedName~Portal.Tests.Web.Services.|FullyQualifiedName~Portal.Tests.Web.Api.|FullyQualifiedName~Portal.Tests.Web.Cli.|FullyQualifiedName~Portal.Tests.Web.SipIntegration.|FullyQualifiedName~Portal.Tests.Web.Retention.|FullyQualifiedName~Portal.Tests.Web.Health.|FullyQualifiedName~Portal.Tests.Web.Cluster." \
  --logger "trx;LogFileName=postgres.trx" --results-directory "$results" || status=$?

passed=0 failed=0 skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  value() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0; }
  passed=$((passed + $(value passed)))
  failed=$((failed + $(value failed) + $(value error) + $(value timeout) + $(value aborted)))
  # xUnit's skipped tests are counted as neither executed nor "notExecuted" in a .trx.
  skipped=$((skipped + $(value total) - $(value executed)))
done
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1  # the run itself broke (build or host crash) before reporting a failure
fi

echo "$passed passed, $failed failed, $skipped skipped"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
