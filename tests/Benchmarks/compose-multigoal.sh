#!/usr/bin/env bash
# Composition on MultiGoal (docs/composition.md): for each seed, train task A (goals (5, 0) and (0, 5)) and task B
# (goals (-5, 0) and (0, 5)) with MultiGoal's defaults, compose Q_A + Q_B (a new sampling network by SVGD only, on
# the union of both replays), and print one JSON line per seed: where the evaluation episodes of A, B and the
# composed policy end. The last line sums up the share at (0, 5), the goal both tasks reward, over the seeds.
# Usage: tests/Benchmarks/compose-multigoal.sh [seed ...]   (default: 1). The runs, their logs and figures stay in
# $OUT (default runs/compose-multigoal), one directory per seed.
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet build Learner -c Release -v q -nologo >/dev/null
learner="dotnet Learner/bin/Release/net10.0/SoftQDistributed.Learner.dll"
out=${OUT:-runs/compose-multigoal}
echo "# $(date -u +%FT%TZ), commit $(git rev-parse --short HEAD), $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) CPUs, load $(cut -d' ' -f1 /proc/loadavg)"
seeds=("$@"); [ ${#seeds[@]} -eq 0 ] && seeds=(1)
mkdir -p "$out"
for seed in "${seeds[@]}"; do
  dir="$out/seed-$seed"
  mkdir -p "$dir"
  start=$(date +%s)
  $learner train --env multigoal --goals 0,2 --seed "$seed" --out "$dir/a" --force >"$dir/a.json" 2>"$dir/a.log"
  $learner train --env multigoal --goals 1,2 --seed "$seed" --out "$dir/b" --force >"$dir/b.json" 2>"$dir/b.log"
  $learner compose --q "$dir/a" --q "$dir/b" --out "$dir/composed" --seed "$seed" --force >"$dir/composed.json" 2>"$dir/composed.log"
  python3 - "$seed" "$dir" "$(($(date +%s) - start))" <<'PY'
import json, sys
seed, dir, seconds = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
last = lambda name: json.loads(open(f"{dir}/{name}.json").read().strip().splitlines()[-1])
a, b, c = last("a"), last("b"), last("composed")
print(json.dumps({"experiment": "compose-multigoal", "seed": seed, "goals": ["(5, 0)", "(-5, 0)", "(0, 5)", "(0, -5)"],
  "task_a_goal_counts": a["eval"]["goal_counts"], "task_b_goal_counts": b["eval"]["goal_counts"],
  "composed_goal_counts": c["eval"]["goal_counts"], "composed_goal_shares": c["goal_shares"],
  "common_goal_share": c["common_goal_share"], "compose_seconds": c["wall_seconds"], "seconds": seconds, "dir": dir}))
PY
done | tee "$out/results.jsonl"
python3 - "$out/results.jsonl" <<'PY'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
shares = [r["common_goal_share"] for r in rows]
print(json.dumps({"experiment": "compose-multigoal", "seeds": [r["seed"] for r in rows], "common_goal": "(0, 5)",
  "common_goal_share": shares, "mean": round(sum(shares) / len(shares), 4), "min": min(shares),
  "seeds_at_least_80_percent": sum(s >= 0.8 for s in shares)}))
PY
