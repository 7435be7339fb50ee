# bench/run pairs for sslvpn-trace: one real ocserv + openconnect session carrying SSLVPN_MB
# (default 50) through the tunnel with DTLS blocked (examples/gen/sslvpn-ocserv.sh, scenario
# sslvpn-bench; needs root for network namespaces), decrypted by both tools with the key log.
pairs_sslvpn_trace() {
  have tshark && have ocserv && have openconnect || return 0
  local mb="${SSLVPN_MB:-50}"
  BENCH_MB="$mb" "$ROOT/examples/gen/sslvpn-ocserv.sh" "$W" sslvpn-bench >/dev/null
  pair sslvpn-trace "tshark -Y http -T json (keylog)" "$mb MB AnyConnect session, CSTP over TLS" \
    -- sslvpn-trace --json --keylog "$W/sslvpn-bench.keylog" "$W/sslvpn-bench.pcap" \
    -- tshark -n -o "tls.keylog_file:$W/sslvpn-bench.keylog" -r "$W/sslvpn-bench.pcap" -Y http -T json
}
