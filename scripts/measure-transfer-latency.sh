#!/usr/bin/env bash
# Blind transfer latency (README "Performance"): request sent → INVITE for the new destination received,
# over 200 transfers against the real service on 127.0.0.1. Needs sipp (scripts/test.sh installs it).
# usage: scripts/measure-transfer-latency.sh [transfers=200] [background calls/s=0]
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build -c Release Portal/Portal.csproj -v q -nologo
dotnet build -c Release bench/Portal.TransferLatency/Portal.TransferLatency.csproj -v q -nologo
dotnet bench/Portal.TransferLatency/bin/Release/net10.0/Portal.TransferLatency.dll \
  Portal/bin/Release/net10.0/Portal.dll Portal.Tests/EndToEnd/Scenarios "${1:-200}" "${2:-0}" bench/scenarios
