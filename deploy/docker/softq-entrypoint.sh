#!/bin/sh
# The image's entrypoint: `softq ROLE [ARGS...]` runs one role with the container's defaults added unless ARGS (or
# the SOFTQ__* variable named below) set them: listen address and ports, how the process joins the cluster (remoting
# on 0.0.0.0:4053, advertised under the container's own IP address), the shard id from a StatefulSet ordinal and
# the node id from the host name.
set -eu

has() { # has --switch ARGS...: whether ARGS contain --switch
  flag="$1"; shift
  for a in "$@"; do [ "$a" = "$flag" ] && return 0; done
  return 1
}

role="${1:-help}"
[ "$#" -gt 0 ] && shift

host="${SOFTQ_HOST:-0.0.0.0}"
grpc_port="${SOFTQ_GRPC_PORT:-50051}"
http_port="${SOFTQ_HTTP_PORT:-8080}"
cluster_port="${SOFTQ_CLUSTER_PORT:-4053}"

# The address other members reach this container by: the first non-loopback IPv4 address of its host name (Docker
# and Kubernetes write it into /etc/hosts), else the host name. A shard behind a stable DNS name (StatefulSet,
# compose service) must advertise exactly its seed name instead: SOFTQ__Cluster__PublicHost (the manifests and the
# compose file set it; Kubernetes sets the pod IP for the learner and actors).
own_address() {
  name="$(hostname)"
  address="$(getent ahostsv4 "$name" 2>/dev/null | while read -r ip _; do
    case "$ip" in 127.*) ;; *) echo "$ip"; break ;; esac
  done)" || address=""
  echo "${address:-$name}"
}

case "$role" in
  learner)
    # `learner serve ...` is a cluster member; `learner launch|train|evaluate|settings` run as given.
    if [ "${1:-}" = serve ]; then
      shift
      has --host "$@" || set -- "$@" --host "$host"
      has --http-port "$@" || set -- "$@" --http-port "$http_port"
      has --cluster-host "$@" || [ -n "${SOFTQ__Cluster__Host:-}" ] || set -- "$@" --cluster-host "$host"
      has --cluster-port "$@" || [ -n "${SOFTQ__Cluster__Port:-}" ] || set -- "$@" --cluster-port "$cluster_port"
      has --public-host "$@" || [ -n "${SOFTQ__Cluster__PublicHost:-}" ] || set -- "$@" --public-host "$(own_address)"
      set -- serve "$@"
    fi
    exec dotnet /app/SoftQDistributed.Learner.dll "$@"
    ;;
  replay)
    has --host "$@" || set -- "$@" --host "$host"
    has --port "$@" || set -- "$@" --port "$grpc_port"
    has --http-port "$@" || set -- "$@" --http-port "$http_port"
    if ! has --shard-id "$@" && [ -z "${SOFTQ__Shard__ShardId:-}" ]; then
      # A StatefulSet pod is NAME-ORDINAL: the ordinal is the shard id.
      ordinal="${HOSTNAME##*-}"
      case "$ordinal" in ''|*[!0-9]*) ordinal=0 ;; esac
      set -- "$@" --shard-id "$ordinal"
    fi
    has --cluster-host "$@" || [ -n "${SOFTQ__Cluster__Host:-}" ] || set -- "$@" --cluster-host "$host"
    has --cluster-port "$@" || [ -n "${SOFTQ__Cluster__Port:-}" ] || set -- "$@" --cluster-port "$cluster_port"
    has --public-host "$@" || [ -n "${SOFTQ__Cluster__PublicHost:-}" ] || set -- "$@" --public-host "$(own_address)"
    exec dotnet /app/SoftQDistributed.ReplayService.dll "$@"
    ;;
  actor)
    has --host "$@" || set -- "$@" --host "$host"
    has --http-port "$@" || set -- "$@" --http-port "$http_port"
    if ! has --node-id "$@" && [ -z "${SOFTQ__Actor__NodeId:-}" ]; then
      # Replicas of one Deployment or compose service share a command line: a stable id from the host name.
      node_id=$(printf '%s' "$(hostname)" | cksum | cut -d' ' -f1)
      set -- "$@" --node-id "$((node_id % 2147483647))"
    fi
    has --cluster-host "$@" || [ -n "${SOFTQ__Cluster__Host:-}" ] || set -- "$@" --cluster-host "$host"
    has --cluster-port "$@" || [ -n "${SOFTQ__Cluster__Port:-}" ] || set -- "$@" --cluster-port "$cluster_port"
    has --public-host "$@" || [ -n "${SOFTQ__Cluster__PublicHost:-}" ] || set -- "$@" --public-host "$(own_address)"
    exec dotnet /app/SoftQDistributed.Actors.dll "$@"
    ;;
  help|--help|-h)
    echo "usage: softq learner serve|launch|train|evaluate ARGS | softq replay ARGS | softq actor ARGS"
    ;;
  *)
    echo "error: unknown role '$role' (learner, replay or actor)" >&2
    exit 2
    ;;
esac
