#!/usr/bin/env bash
# Issue 15's pretraining experiment (Haarnoja et al. 2017, Section 5.3): pretrain a maximum-entropy policy on a broad
# task, then train the target task for each seed from it (train --init-from) and from scratch. One JSON line per seed:
# the from-scratch run's final evaluation return, and the env steps each run first reached it (its epoch's evaluation
# mean); the fine-tuned run needs at most half as many for the claim to hold; and both runs' mean epoch evaluation return
# over the first half of the budget (the area under the curve). Then a summary line, and both groups'
# learning curves on one plot (OUT/finetune.svg, by `curves`).
# Usage: tests/Benchmarks/finetune.sh [--pretrain ENV] [--task ENV] [--pretrain-steps N] [--steps N] [--finetune-steps N]
#                                     [--backend B] [--keep] [--out DIR] [--jobs N] [seed ...]
# Defaults: the paper's Ant (--pretrain ant:reward=speed --task ant, 200000 steps each; hours on two cores), seeds 1 2 3.
# --finetune-steps: the fine-tuned runs' budget (default --steps); half of --steps is all the verdict needs.
# --backend: train's --backend for every run (default auto, which races the GEMMs at start: name one for runs that
# repeat bit for bit). --keep: a run whose summary.json exists is not trained again (an interrupted experiment goes on).
# A minutes-long check of the mechanism: --pretrain multigoal --task multigoal:goals=2 --pretrain-steps 20000 --steps 10000
# A MuJoCo task that learns within the budget (about half an hour alone on two cores):
#   --pretrain halfcheetah:reward=speed --task halfcheetah --finetune-steps 100000 --jobs 1
# Other settings reach every run through the environment, e.g. SOFTQ__SoftQ__RewardScale=30 (the header names them).
set -euo pipefail
cd "$(dirname "$0")/../.."
pretrain=ant:reward=speed task=ant pretrain_steps=200000 steps=200000 finetune_steps= backend=auto keep=0 out=runs/finetune jobs=2
while [ $# -gt 0 ]; do
  case $1 in
    --pretrain) pretrain=$2; shift 2 ;;
    --task) task=$2; shift 2 ;;
    --pretrain-steps) pretrain_steps=$2; shift 2 ;;
    --steps) steps=$2; shift 2 ;;
    --finetune-steps) finetune_steps=$2; shift 2 ;;
    --backend) backend=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    --out) out=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    *) break ;;
  esac
done
seeds=("$@"); [ ${#seeds[@]} -eq 0 ] && seeds=(1 2 3)
finetune_steps=${finetune_steps:-$steps}
dotnet build Learner -c Release -v q -nologo >/dev/null
learner="dotnet Learner/bin/Release/net10.0/SoftQDistributed.Learner.dll"
mkdir -p "$out"
echo "# $(date -u +%FT%TZ), commit $(git rev-parse --short HEAD), $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) CPUs, load $(cut -d' ' -f1 /proc/loadavg)"
echo "# pretrain $pretrain for $pretrain_steps steps; then $task from scratch for $steps steps and fine-tuned for $finetune_steps, seeds ${seeds[*]}, backend $backend"
overrides=$(env | grep '^SOFTQ__' | sort | tr '\n' ' ' || true)
[ -n "$overrides" ] && echo "# settings from the environment, for every run: $overrides"
# Prints the train arguments of a run unless --keep finds it finished.
run() { local dir=$1; shift; [ $keep = 1 ] && [ -f "$dir/summary.json" ] || echo "train $* --backend $backend --out $dir --force"; }
run "$out/pretrained" --env "$pretrain" --seed 1 --env-steps "$pretrain_steps" | xargs -r -I{} sh -c "$learner {} >/dev/null 2>\"$out/pretrained.log\""
for seed in "${seeds[@]}"; do
  run "$out/scratch-$seed" --env "$task" --seed "$seed" --env-steps "$steps"
  run "$out/finetuned-$seed" --env "$task" --seed "$seed" --env-steps "$finetune_steps" --init-from "$out/pretrained"
done | xargs -r -P "$jobs" -I{} sh -c "$learner {} >/dev/null 2>&1"
join() { local IFS=,; echo "$*"; }
$learner curves --title "$task: fine-tuned from $pretrain against from scratch" --out "$out/finetune.svg" \
  --group "from scratch=$(join "${seeds[@]/#/$out/scratch-}")" --group "fine-tuned=$(join "${seeds[@]/#/$out/finetuned-}")" >/dev/null
python3 - "$out" "${seeds[@]}" <<'PY'
import csv, json, sys
out, seeds = sys.argv[1], sys.argv[2:]
def curve(run):
    return [(int(r["env_steps"]), float(r["return_avg"])) for r in csv.DictReader(open(f"{out}/{run}/metrics.csv"))]
def first_reaching(points, target):
    return next((steps for steps, ret in points if ret >= target), None)
def mean_up_to(points, steps):  # the area under the curve: steadier than the first epoch past a threshold
    returns = [ret for s, ret in points if s <= steps]
    return round(sum(returns) / len(returns), 1) if returns else None
held = 0
for seed in seeds:
    target = json.load(open(f"{out}/scratch-{seed}/summary.json"))["eval"]["mean_return"]
    scratch_curve, tuned_curve = curve(f"scratch-{seed}"), curve(f"finetuned-{seed}")
    scratch, tuned = first_reaching(scratch_curve, target), first_reaching(tuned_curve, target)
    budget = scratch_curve[-1][0]  # the from-scratch run's steps: the verdict's "half" is of these
    ok = tuned is not None and tuned <= 0.5 * budget
    held += ok
    print(json.dumps({"experiment": "finetune", "seed": int(seed), "scratch_final_return": round(target, 1),
                      "scratch_steps_to_reach": scratch, "finetuned_steps_to_reach": tuned, "budget": budget,
                      "finetuned_final_return": round(json.load(open(f"{out}/finetuned-{seed}/summary.json"))["eval"]["mean_return"], 1),
                      "scratch_mean_epoch_return_first_half": mean_up_to(scratch_curve, budget // 2),
                      "finetuned_mean_epoch_return_first_half": mean_up_to(tuned_curve, budget // 2),
                      "within_half_the_steps": ok}))
print(json.dumps({"experiment": "finetune", "seeds": len(seeds), "seeds_within_half_the_steps": held, "figure": f"{out}/finetune.svg"}))
PY
