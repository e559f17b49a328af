#!/bin/sh
# The image's entrypoint: `softq ROLE [ARGS...]` runs one role with the container's defaults added
# (listen address, ports, shard id from a StatefulSet ordinal, node id from the host name) unless ARGS set them.
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

case "$role" in
  learner)
    # `learner serve ...` needs listen settings; `learner launch|train|evaluate|settings` run as given.
    if [ "${1:-}" = serve ]; then
      shift
      has --host "$@" || set -- "$@" --host "$host"
      has --port "$@" || set -- "$@" --port "$grpc_port"
      has --http-port "$@" || set -- "$@" --http-port "$http_port"
      set -- serve "$@"
    fi
    exec dotnet /app/learner/SoftQDistributed.Learner.dll "$@"
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
    exec dotnet /app/replay/SoftQDistributed.ReplayService.dll "$@"
    ;;
  actor)
    has --host "$@" || set -- "$@" --host "$host"
    has --http-port "$@" || set -- "$@" --http-port "$http_port"
    if ! has --node-id "$@" && [ -z "${SOFTQ__Actor__NodeId:-}" ]; then
      # Replicas of one Deployment or compose service share a command line: a stable id from the host name.
      node_id=$(printf '%s' "$(hostname)" | cksum | cut -d' ' -f1)
      set -- "$@" --node-id "$((node_id % 2147483647))"
    fi
    exec dotnet /app/actor/SoftQDistributed.Actors.dll "$@"
    ;;
  help|--help|-h)
    echo "usage: softq learner serve|launch|train|evaluate ARGS | softq replay ARGS | softq actor ARGS"
    ;;
  *)
    echo "error: unknown role '$role' (learner, replay or actor)" >&2
    exit 2
    ;;
esac
