#!/usr/bin/env bash
# One run, one machine: the FMA peak, then the full update at shapes (a) and (b) on every backend, and PyTorch's own
# script where a python3 imports torch. Compare figures only within one run. Usage: tests/Benchmarks/backends.sh [steps]
set -euo pipefail
cd "$(dirname "$0")/../.."
steps=${1:-100}
export TorchBackend=true
dotnet build tests/Benchmarks -c Release -v q -nologo >/dev/null
bench="dotnet tests/Benchmarks/bin/Release/net10.0/SoftQDistributed.Benchmarks.dll"
python=""
for p in python3 /usr/bin/python3; do "$p" -c "import torch" 2>/dev/null && { python=$p; break; }; done

echo "# $(date -u +%FT%TZ), commit $(git rev-parse --short HEAD), $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) CPUs"
$bench peak | tail -1
a="--obs 2 --act 2 --hidden 128 --batch 128 --kv 16 --k 16"
b="--obs 17 --act 6 --hidden 256 --batch 128 --kv 16 --k 32"
for shape in a b; do
  for threads in 1 2; do
    for backend in managed openblas torch; do
      # As many untimed steps first as timed: with 30, (b) on 2 threads still shared the cores with the JIT's tier-up
      # and read 3-6% lower than in steady state, which is what a training run's 200k updates see.
      $bench sql-update ${!shape} --threads $threads --steps $steps --warmup $steps --backend $backend 2>&1 | tail -1 | sed "s/^/($shape) /"
    done
    [ -n "$python" ] && $python tests/Benchmarks/pytorch/sql_update.py ${!shape} --threads $threads --steps $((steps / 2)) --warmup 10 | tail -1 | sed "s/^/($shape) /"
  done
done
