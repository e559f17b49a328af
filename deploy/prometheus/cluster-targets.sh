#!/usr/bin/env bash
# Writes Prometheus file_sd targets (deploy/prometheus/targets/<role>.json) from a launch cluster's cluster.json.
# Usage: deploy/prometheus/cluster-targets.sh DIR   (DIR = the launch --out folder)
# cluster.json lists every process with its role and HTTP URL; /metrics is served on the HTTP URL.
set -euo pipefail
dir="${1:?usage: $0 LAUNCH_OUT_DIR}"
out="$(dirname "$0")/targets"
mkdir -p "$out"
python3 - "$dir/cluster.json" "$out" <<'PY'
import json, sys, urllib.parse
cluster = json.load(open(sys.argv[1]))
processes = cluster.get("processes", cluster) if isinstance(cluster, dict) else cluster
def field(p, *names):
    for n in names:
        if n in p and p[n]:
            return p[n]
    return None
by_role = {"learner": [], "replay": [], "actor": []}
for p in processes:
    role = str(field(p, "role") or "").lower()
    role = {"shard": "replay"}.get(role, role)
    url = field(p, "http_url", "httpUrl", "http", "HttpUrl")
    if role in by_role and url:
        by_role[role].append({"targets": [urllib.parse.urlparse(url).netloc],
                              "labels": {"index": str(field(p, "index") if field(p, "index") is not None else "")}})
for role, groups in by_role.items():
    with open(f"{sys.argv[2]}/{role}.json", "w") as f:
        json.dump(groups, f, indent=2)
    print(f"{role}: {sum(len(g['targets']) for g in groups)} target(s)")
PY
