#!/usr/bin/env bash
# Issue 10's wall-time comparison: for each seed, the embedded `train` and then `launch` (3 actor nodes, 2 shards) on
# MultiGoal, one after the other on the same machine; one JSON line per seed with both wall times, their ratio and
# both evaluations' goal counts, and the CPU seconds of each: launch's per role, and the wall time below which no run
# of that CPU fits on this machine's cores. Usage: tests/Benchmarks/launch-vs-embedded.sh [seed ...]   (default: 1 2 3)
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet build Learner -c Release -v q -nologo >/dev/null
learner="dotnet Learner/bin/Release/net10.0/SoftQDistributed.Learner.dll"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "# $(date -u +%FT%TZ), commit $(git rev-parse --short HEAD), $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) CPUs, load $(cut -d' ' -f1 /proc/loadavg)"
seeds=("$@"); [ ${#seeds[@]} -eq 0 ] && seeds=(1 2 3)
for seed in "${seeds[@]}"; do
  start=$(date +%s.%N); $learner train --env multigoal --seed "$seed" --out "$out/embedded-$seed" >"$out/embedded-$seed.json" 2>/dev/null; mid=$(date +%s.%N)
  $learner launch --env multigoal --actors 3 --shards 2 --seed "$seed" --out "$out/launch-$seed" >"$out/launch-$seed.json" 2>/dev/null; end=$(date +%s.%N)
  python3 - "$seed" "$start" "$mid" "$end" "$out" "$(nproc)" <<'PY'
import json, sys
seed, start, mid, end, out, cores = sys.argv[1], *map(float, sys.argv[2:5]), sys.argv[5], int(sys.argv[6])
last = lambda path: json.loads(open(path).read().strip().splitlines()[-1])
embedded, launch = last(f"{out}/embedded-{seed}.json"), last(f"{out}/launch-{seed}.json")
print(json.dumps({"benchmark": "launch-vs-embedded", "seed": int(seed), "embedded_seconds": round(mid - start, 1),
  "launch_seconds": round(end - mid, 1), "ratio": round((end - mid) / (mid - start), 2),
  "embedded_goal_counts": embedded["eval"]["goal_counts"], "launch_goal_counts": launch["eval"]["goal_counts"],
  "launch_goal_reached_fraction": launch["eval"]["goal_reached_fraction"],
  "launch_updates_per_second": launch["distributed"]["updates_per_second"], "transitions_dropped": launch["distributed"]["transitions_dropped"],
  "embedded_cpu_seconds": embedded["process_cpu_seconds"], "launch_cpu_seconds": launch["distributed"]["cpu_seconds"], "cores": cores,
  "launch_wall_floor_seconds": round(launch["distributed"]["cpu_seconds"]["total"] / cores, 1)}))
PY
done
