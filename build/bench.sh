#!/usr/bin/env bash
# Engine overhead: 1,000 trivial jobs (`true`) through the queue with 2 workers, against the same 1,000
# processes run by `xargs -P 2`, in this one invocation. Prints both, the ratio, and the bookkeeping cost per job.
#   build/bench.sh [JOBS]   (default 1000)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jobs="${1:-1000}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

dotnet build "$root/src/Orch.Cli/Orch.Cli.csproj" -c Release --nologo -v quiet >/dev/null
orch=(dotnet "$root/src/Orch.Cli/bin/Release/net10.0/Orch.Cli.dll")
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/.orch" "$work/jobs"
for i in $(seq -w 1 "$jobs"); do
  printf 'id: bench-%s\ncommand: [true]\n' "$i" > "$work/jobs/job-$i.yaml"
done
cd "$work"

now_ms() { date +%s%3N; }

t0=$(now_ms); seq "$jobs" | xargs -P 2 -I{} true; t1=$(now_ms)
xargs_ms=$((t1 - t0))

t0=$(now_ms); "${orch[@]}" worker --drain -v q >/dev/null; t1=$(now_ms)
startup_ms=$((t1 - t0))

t0=$(now_ms); "${orch[@]}" job submit jobs -v q >/dev/null; t1=$(now_ms)
submit_ms=$((t1 - t0))

t0=$(now_ms); "${orch[@]}" worker --drain --parallel 2 -v q >/dev/null; t1=$(now_ms)
orch_ms=$((t1 - t0))

done_count=$("${orch[@]}" status --format json | grep -o '"succeeded":[0-9]*' | cut -d: -f2)
[[ "$done_count" == "$jobs" ]] || { echo "only ${done_count:-0} of $jobs jobs succeeded" >&2; exit 1; }

awk -v n="$jobs" -v x="$xargs_ms" -v o="$orch_ms" -v s="$startup_ms" -v q="$submit_ms" 'BEGIN {
  printf "jobs:                          %d\n", n
  printf "xargs -P 2 (baseline):         %7d ms  (%.3f ms/job)\n", x, x / n
  printf "orch job submit (1 tx):        %7d ms\n", q
  printf "orch worker --parallel 2:      %7d ms  (%.3f ms/job)\n", o, o / n
  printf "orch start-up, empty queue:    %7d ms\n", s
  printf "ratio orch/xargs:              %7.2fx\n", o / x
  printf "bookkeeping per job:           %7.3f ms  ((worker - start-up - xargs) / jobs; goal < 1 ms)\n", (o - s - x) / n
}'
