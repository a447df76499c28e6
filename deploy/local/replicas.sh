# shellcheck shell=bash
# Where each replica of a service listens; sourced by services.sh (which starts them) and
# gateway.sh (which routes to them), so both agree. Source it; do not run it.
#
#   <SVC>_REPLICAS  how many replicas (default 1)
#   <SVC>_PORTS     their ports, comma-separated (default: <SVC>_PORT, then +10 per replica:
#                   pricing 8102, 8112, 8122...)
# Replica n of a service is the instance `<svc>-<n>` (SERVICE_INSTANCE_ID in its environment).

declare -A BASE_PORTS=([catalog]=8101 [pricing]=8102 [cart]=8103 [content]=8104)

# replica_ports SVC: the ports of SVC's replicas, one per line.
replica_ports() {
    local svc="$1" upper="${1^^}" n i base list
    local count_var="${upper}_REPLICAS" ports_var="${upper}_PORTS" port_var="${upper}_PORT"
    n="${!count_var:-1}"
    [[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "replicas: $count_var must be a positive integer, not '$n'" >&2; return 2; }
    if [[ -n "${!ports_var:-}" ]]; then
        IFS=, read -r -a list <<<"${!ports_var}"
        ((${#list[@]} >= n)) || { echo "replicas: $ports_var lists ${#list[@]} ports for $n replicas" >&2; return 2; }
        for ((i = 0; i < n; i++)); do echo "${list[$i]}"; done
        return 0
    fi
    base="${!port_var:-${BASE_PORTS[$svc]}}"
    for ((i = 0; i < n; i++)); do echo $((base + 10 * i)); done
}
