#!/usr/bin/env bash
# Crash and restart, measured (issue 11): Paraphe as a separate process on a throwaway PostgreSQL cluster is SIGKILLed
# several times while it dispatches messages (SMTP + Twilio simulator) and seals procedures, restarted each time, and
# the counts printed once everything settled: lost, duplicates (and whether each was in flight), stuck rows, audit
# chains, seals. Exit code 0 when nothing is lost or stuck and duplicates stay within one per kill.
#   bench/crash.sh [--procedures 300] [--signers 5] [--sealed 30] [--kills 5] [--smtp-delay-ms 15]
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build bench/Paraphe.Bench -c Release -v q >/dev/null
exec dotnet bench/Paraphe.Bench/bin/Release/net10.0/Paraphe.Bench.dll --scenario crash "$@"
