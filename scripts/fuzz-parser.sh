#!/usr/bin/env bash
# Fuzzes the SIP parser (README "Test"): mutants of the RFC 4475 and well-formed messages for [seconds]
# (default 60) from [seed] (default random, printed), checked as the parser fuzz test checks them. Failing
# inputs are saved under artifacts/fuzz-failures/; the exit code is non-zero on any failure or hang.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build -c Release bench/Portal.Sip.Fuzz/Portal.Sip.Fuzz.csproj -v q -nologo
dotnet bench/Portal.Sip.Fuzz/bin/Release/net10.0/Portal.Sip.Fuzz.dll "${1:-60}" "${2:-random}" "$PWD/artifacts/fuzz-failures"
