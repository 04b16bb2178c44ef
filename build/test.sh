#!/usr/bin/env bash
# Builds the solution and runs every test; ends with "N passed, N failed" read from the TRX results.
#   build/test.sh          all tests
#   build/test.sh --fast   without the Process category (no real processes, git or dotnet builds)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

filter=()
if [[ "${1:-}" == "--fast" ]]; then
  filter=(--filter "TestCategory!=Process&TestCategory!=Browser")
fi

# What the tests need from Debian, installed while the solution builds: Chromium for the dashboard's browser test
# (Playwright drives it; Playwright's own browser download is never used) and PostgreSQL for the second store backend.
# Without apt or root the tests that need them report inconclusive.
prerequisites=""
if [[ ${#filter[@]} -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
  missing=()
  [[ -x /usr/bin/chromium ]] || missing+=(chromium)
  ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1 || missing+=(postgresql)
  if [[ ${#missing[@]} -gt 0 ]]; then
    sudo=""
    if [[ $(id -u) -ne 0 ]]; then sudo="sudo -n"; fi
    (export DEBIAN_FRONTEND=noninteractive
     $sudo apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 \
       || { $sudo apt-get update -qq >/dev/null 2>&1 && $sudo apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1; } \
       || echo "note: ${missing[*]} could not be installed; the tests that need them will be inconclusive" >&2) &
    prerequisites=$!
  fi
fi

results="$root/artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"

dotnet build Orchestrator.sln -c Release --nologo -v minimal

# The SARIF 2.1.0 schema, for the test of `findings --format sarif`: the npm package @microsoft/jest-sarif ships the
# OASIS schema. Without npm or a registry the test reports inconclusive.
sarif="$root/artifacts/schemas/sarif-2.1.0.json"
if [[ ! -f "$sarif" ]] && command -v npm >/dev/null 2>&1; then
  tmp=$(mktemp -d)
  if (cd "$tmp" && timeout 120 npm pack -q @microsoft/jest-sarif@1.0.0-beta.0 >/dev/null 2>&1 \
      && tar xzf ./*.tgz package/lib/schemas/sarif-2.1.0-rtm.5.json); then
    mkdir -p "$(dirname "$sarif")" && cp "$tmp/package/lib/schemas/sarif-2.1.0-rtm.5.json" "$sarif"
  else
    echo "note: the SARIF schema could not be fetched; the SARIF test will be inconclusive" >&2
  fi
  rm -rf "$tmp"
fi
if [[ -n "$prerequisites" ]]; then wait "$prerequisites" || true; fi

# A throwaway PostgreSQL server for the store contract suite and the scale-out tests, stopped however this script ends.
if [[ ${#filter[@]} -eq 0 ]] && [[ -z "${ORCH_TEST_POSTGRES:-}" ]]; then
  if address=$(bash build/postgres.sh start 2>"$results/postgres-start.log"); then
    export ORCH_TEST_POSTGRES="$address"
    trap 'bash build/postgres.sh stop >/dev/null 2>&1 || true' EXIT
  else
    echo "note: PostgreSQL did not start (see $results/postgres-start.log); its tests will be inconclusive" >&2
  fi
fi

# One dotnet test per project, each with its own TRX name, so no result file can overwrite another.
status=0
for project in tests/*/*.Tests.csproj; do
  name=$(basename "$project" .csproj)
  dotnet test "$project" -c Release --no-build --nologo "${filter[@]}" \
    --logger "trx;LogFileName=$name.trx" --results-directory "$results" || status=1
done

passed=0
failed=0
shopt -s nullglob
trx_files=("$results"/*.trx)
for trx in "${trx_files[@]}"; do
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
done

if [[ ${#trx_files[@]} -eq 0 ]]; then
  echo "no test results were written" >&2
  status=1
fi
if [[ $status -eq 0 && $failed -gt 0 ]]; then
  status=1
fi
echo "$passed passed, $failed failed"
exit $status
