#!/usr/bin/env bash
# Issue 15's exploration experiment: on TwoRoutes (reach the goal round a wall, above or below it), soft Q-learning
# against the same learner with its sampler's noise collapsed (a deterministic policy with Gaussian action noise,
# DDPG-style), for each seed. One JSON line per run with the share of the 100 evaluation episodes on each route, then
# one summary line. Runs stay in OUT (default runs/exploration) with their rollouts.svg and q_contours.svg.
# Usage: tests/Benchmarks/exploration-tworoutes.sh [--out DIR] [--jobs N] [seed ...]   (default seeds: 1 2 3 4 5;
# N runs at a time, default 2: the runs are seeded, so how many share the machine changes their speed, not their result)
set -euo pipefail
cd "$(dirname "$0")/../.."
out=runs/exploration
jobs=2
while [ $# -gt 0 ]; do
  case $1 in
    --out) out=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    *) break ;;
  esac
done
seeds=("$@"); [ ${#seeds[@]} -eq 0 ] && seeds=(1 2 3 4 5)
dotnet build Learner -c Release -v q -nologo >/dev/null
learner="dotnet Learner/bin/Release/net10.0/SoftQDistributed.Learner.dll"
mkdir -p "$out"
echo "# $(date -u +%FT%TZ), commit $(git rev-parse --short HEAD), $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) CPUs, load $(cut -d' ' -f1 /proc/loadavg)"
for seed in "${seeds[@]}"; do
  echo "train --env tworoutes --seed $seed --out $out/sql-$seed --force"
  echo "train --env tworoutes --seed $seed --deterministic-policy-noise 0.3 --out $out/deterministic-$seed --force"
done | xargs -P "$jobs" -I{} sh -c "$learner {} >/dev/null 2>&1"
python3 - "$out" "${seeds[@]}" <<'PY'
import json, sys
out, seeds = sys.argv[1], sys.argv[2:]
on_route = 0.2  # a route counts as used when at least this share of the evaluation episodes takes it
both = {"sql": 0, "deterministic": 0}
at_most_one = {"sql": 0, "deterministic": 0}
for seed in seeds:
    for variant in ("sql", "deterministic"):
        summary = json.load(open(f"{out}/{variant}-{seed}/summary.json"))
        ev = summary["eval"]
        upper, lower = (c / ev["episodes"] for c in ev["route_counts"])
        used = (upper >= on_route) + (lower >= on_route)
        both[variant] += used == 2
        at_most_one[variant] += used <= 1
        print(json.dumps({"experiment": "exploration-tworoutes", "variant": variant, "seed": int(seed),
                          "upper_share": round(upper, 2), "lower_share": round(lower, 2),
                          "goal_reached_fraction": ev["goal_reached_fraction"], "mean_return": round(ev["mean_return"], 1),
                          "wall_seconds": summary["wall_seconds"]}))
print(json.dumps({"experiment": "exploration-tworoutes", "seeds": len(seeds), "route_threshold": on_route,
                  "sql_seeds_on_both_routes": both["sql"], "deterministic_seeds_on_both_routes": both["deterministic"],
                  "deterministic_seeds_on_at_most_one_route": at_most_one["deterministic"]}))
PY
