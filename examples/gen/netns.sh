# Sourced by the generators that run real peers in two network namespaces (ikev2-strongswan.sh,
# sslvpn-ocserv.sh): the namespace pair, the daemons started in it, and their cleanup.
#
#   PIDS+=($!)                           daemons to stop (by PID, never by name)
#   netns_pair NS_A NS_B VETH_A VETH_B ADDR_A ADDR_B   two namespaces joined by a veth pair (/24)
#   netns_cleanup NS_A NS_B              stop the daemons, delete the namespaces

PIDS=()

stop_pids() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  PIDS=()
}

netns_pair() {
  local ns_a="$1" ns_b="$2" veth_a="$3" veth_b="$4" addr_a="$5" addr_b="$6" ns veth pair
  ip netns add "$ns_a"
  ip netns add "$ns_b"
  ip link add "$veth_a" netns "$ns_a" type veth peer name "$veth_b" netns "$ns_b"
  ip -n "$ns_a" addr add "$addr_a/24" dev "$veth_a"
  ip -n "$ns_b" addr add "$addr_b/24" dev "$veth_b"
  for pair in "$ns_a:$veth_a" "$ns_b:$veth_b"; do
    ns="${pair%%:*}" veth="${pair#*:}"
    ip -n "$ns" link set lo up
    ip -n "$ns" link set "$veth" up
    # Checksum offload would leave bogus checksums in the capture; segmentation offload would
    # leave 64 KB "segments" that no real link carries.
    ip netns exec "$ns" ethtool -K "$veth" tx off tso off gso off >/dev/null 2>&1 || true
  done
}

netns_cleanup() {
  stop_pids
  local ns
  for ns in "$@"; do ip netns del "$ns" 2>/dev/null || true; done
}
