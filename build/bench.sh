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

# Workstream scheduling: a random DAG of 24 workstreams whose EDIT sleeps a known time, run with --parallel 4,
# against the makespan of an ideal ready-queue schedule of the same DAG with zero overhead (same rule: a free slot
# takes the first ready workstream in plan order). Then Orch's cost per workstream (worktree, checkpoints, merge,
# cleanup) against the same git commands run bare.
dag="$work/dag"
mkdir -p "$dag"
cd "$dag"
git init -q
git config user.name bench; git config user.email bench@localhost
ideal_ms=$(python3 - "$dag" <<'PY'
import random, sys, os
random.seed(12)
root = sys.argv[1]
n, slots = 24, 4
deps, dur = {}, {}
lines = ["workstreams:"]
for i in range(n):
    ws = f"w{i:02d}"
    earlier = [f"w{j:02d}" for j in range(max(0, i - 6), i)]
    deps[ws] = sorted(random.sample(earlier, min(len(earlier), random.choice([0, 1, 1, 2]))))
    dur[ws] = random.choice([0.5, 1.0, 1.5, 2.0, 3.0])
    os.makedirs(f"{root}/{ws}", exist_ok=True)
    open(f"{root}/{ws}/x.txt", "w").write("\n")
    lines.append(f"  - {{id: {ws}, depends_on: [{', '.join(deps[ws])}], files_scope: [{ws}/], "
                 f"edit: {{tool: script, command: [sh, -c, 'sleep {dur[ws]}; echo done > {ws}/x.txt']}}, static: [], runtime: []}}")
open(f"{root}/plan.yaml", "w").write("\n".join(lines) + "\n")
# Ideal ready-queue schedule, zero overhead.
order = list(deps)
done, running, t = {}, {}, 0.0
while len(done) < n:
    for ws in order:
        if len(running) >= slots: break
        if ws in done or ws in running: continue
        if all(d in done and done[d] <= t for d in deps[ws]):
            running[ws] = t + dur[ws]
    t = min(running.values())
    for ws in [w for w, end in running.items() if end == t]:
        done[ws] = t
        del running[ws]
print(int(max(done.values()) * 1000))
PY
)
git add -A; git commit -qm dag
t0=$(now_ms); "${orch[@]}" run plan.yaml --parallel 4 -v q >/dev/null; t1=$(now_ms)
dag_ms=$((t1 - t0))
t0=$(now_ms); "${orch[@]}" status -v q >/dev/null; t1=$(now_ms)
status_ms=$((t1 - t0))

# Per-workstream overhead: 24 instant workstreams, one at a time, with cleanup; against bare git doing the same.
flat="$work/flat"
mkdir -p "$flat"; cd "$flat"; git init -q; git config user.name bench; git config user.email bench@localhost
{ echo "workstreams:"; for i in $(seq -w 1 24); do mkdir -p "f$i"; echo > "f$i/x.txt"
  echo "  - {id: f$i, files_scope: [f$i/], edit: {tool: script, command: [sh, -c, 'echo done > f$i/x.txt']}, static: [], runtime: []}"; done; } > plan.yaml
git add -A; git commit -qm flat
bare="$work/bare"; git clone -q "$flat" "$bare"
t0=$(now_ms); "${orch[@]}" run plan.yaml -v q >/dev/null; "${orch[@]}" cleanup -v q >/dev/null; t1=$(now_ms)
flat_ms=$((t1 - t0 - 2 * status_ms))
cd "$bare"; git config user.name bench; git config user.email bench@localhost
t0=$(now_ms)
for i in $(seq -w 1 24); do
  git worktree add -q -b "b$i" "../wt$i" HEAD
  (cd "../wt$i" && echo done > "f$i/x.txt" && git add -A && git commit -qm edit)
  git merge -q --no-ff --no-edit "b$i"
  git worktree remove --force "../wt$i"; git branch -q -d "b$i"
done
t1=$(now_ms)
bare_ms=$((t1 - t0))

awk -v d="$dag_ms" -v i="$ideal_ms" -v s="$status_ms" -v f="$flat_ms" -v b="$bare_ms" 'BEGIN {
  printf "\nDAG of 24 workstreams, --parallel 4\n"
  printf "ideal ready-queue makespan:    %7d ms  (zero overhead)\n", i
  printf "orch run makespan:             %7d ms  (%d ms of it is start-up, as for `status`)\n", d, s
  printf "ratio orch/ideal:              %7.2fx  (goal <= 1.15x)\n", d / i
  printf "per workstream, orch:          %7.1f ms  (worktree, checkpoint, merge, cleanup; 24 instant workstreams)\n", f / 24
  printf "per workstream, bare git:      %7.1f ms  (worktree add, commit, merge, worktree remove, branch -d)\n", b / 24
  printf "ratio orch/git per workstream: %7.2fx\n", f / b
}'
