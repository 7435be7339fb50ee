# bench/run pairs for cbaudit: `cbaudit pcap` vs tshark's NTLMSSP fields on the same capture
# (examples/epa/epa-http.pcap replicated CB_COPIES times, default 1000: ~3000 authentications).
pairs_cbaudit() {
  have tshark || return 0
  local copies="${CB_COPIES:-1000}"
  /usr/bin/python3 "$ROOT/bench/cbaudit/make-capture.py" "$ROOT/examples/epa/epa-http.pcap" "$W/epa.pcap" "$copies"
  pair cbaudit "tshark -Y ntlmssp -T fields" "$((copies * 3)) NTLM authentications over HTTP" \
    -- cbaudit pcap --json --cert "$ROOT/examples/epa/server.pem" "$W/epa.pcap" \
    -- tshark -r "$W/epa.pcap" -Y ntlmssp -T fields -e frame.number -e ntlmssp.auth.username \
       -e ntlmssp.ntlmv2_response.channel_bindings
}
