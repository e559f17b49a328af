#!/usr/bin/env bash
# Writes Prometheus file_sd targets (<role>.json for learner, replay and actor) from a launch cluster's cluster.json.
# Usage: deploy/prometheus/cluster-targets.sh DIR [OUT]   (DIR = the launch --out folder; OUT = deploy/prometheus/targets)
# cluster.json is an array of {role, index, pid, rpc_url, http_url, akka_address, restarts}, role one of shard, learner, actor;
# /metrics is served on http_url. The shards' targets go to replay.json (job softq-replay).
set -euo pipefail
dir="${1:?usage: $0 LAUNCH_OUT_DIR [TARGETS_DIR]}"
out="${2:-$(dirname "$0")/targets}"
mkdir -p "$out"
python3 - "$dir/cluster.json" "$out" <<'PY'
import json, sys, urllib.parse
members = json.load(open(sys.argv[1]))
files = {"learner": "learner", "shard": "replay", "actor": "actor"}
groups = {role: [] for role in files}
for m in members:
    groups[m["role"]].append({"targets": [urllib.parse.urlparse(m["http_url"]).netloc], "labels": {"index": str(m["index"])}})
for role, file in files.items():
    with open(f"{sys.argv[2]}/{file}.json", "w") as f:
        json.dump(groups[role], f, indent=2)
    print(f"{file}: {len(groups[role])} target(s)")
PY
