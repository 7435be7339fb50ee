// Which server is the SSL VPN gateway, when the sessions cannot be read. A client-side capture
// always holds other TLS traffic (browsers, chat apps, mid-session flows): reading all of it as
// VPN phases invents a story. A server is the gateway only on evidence, each piece named with
// what showed it, and the sessions to every other server stay context.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sslvpn {

// What the capture shows about one server (address:port of its TLS sessions).
struct DtlsClue {
  int session = 0;        // dtls#N
  std::string client;     // client address
  std::string mode;       // psk-negotiate, legacy-0x0100, dtls1.2-resumption, dtls1.2, ...
  bool answered = false;  // the server sent datagrams back
  bool hello_verify = false;
};

struct ServerEvidence {
  std::string server;              // "10.252.0.2:443"
  std::string address;             // "10.252.0.2"
  std::vector<std::string> names;  // SNI and server certificate names (CN, DNS SANs) seen
  std::vector<int> sessions;       // tls#N
  std::string marker;              // AnyConnect/OpenConnect marker in plaintext, if any
  int marker_session = 0;
  std::uint64_t decrypted_without_marker = 0;  // plain HTTPS read in the clear
  std::vector<DtlsClue> dtls;                  // DTLS flows from its clients to its address
  int cstp_like_session = 0;  // a long-lived session with DPD/keepalive-sized records both ways
  double cstp_like_duration = 0;
  std::uint64_t cstp_like_small_records = 0;
  int sequential_sessions = 0;  // sessions from one client, each starting within seconds of
                                // the previous one's end (auth, then tunnel)
};

struct GatewayEvidence {
  std::string kind;  // marker, name, dtls, hello-verify, cstp-pattern, sequential-sessions,
                     // plaintext-without-markers (against)
  std::string text;  // for people: "DTLS (psk-negotiate) from 10.252.0.1, answered (dtls#2)"
  int session = 0;
  int weight = 0;
};

struct GatewayDecision {
  std::string server;
  bool gateway = false;
  std::string confidence;  // high, medium, low
  int score = 0;
  bool name_matched = false;  // one of --gateway HOST matched
  std::vector<GatewayEvidence> evidence;
};

// Scores each server and decides. Evidence and weights:
//   marker (plaintext config-auth, CONNECT /CSCOSSLC/tunnel, ...)       100  certain
//   name: SNI / certificate name / address equal to a --gateway HOST    100
//   dtls: DTLS from a client of the server to its address                 50
//     +30 when the mode is AnyConnect's (PSK-NEGOTIATE App-ID, Cisco 0x0100), +10 answered
//   hello-verify: a HelloVerifyRequest cookie exchange on that DTLS       +10
//   cstp-pattern: a long-lived session with many small records both ways  25
//   sequential-sessions: sessions in quick succession (auth, then tunnel) 15
// high >= 80, medium >= 40, low otherwise; a gateway needs medium. Plaintext without any marker
// rules a server out. With --gateway names, only a marker or a name makes a gateway (the user
// said which one it is); other evidence is still reported.
std::vector<GatewayDecision> identify_gateways(const std::vector<ServerEvidence>& servers,
                                               const std::vector<std::string>& gateway_names);

// RFC 6125-style comparison of a --gateway HOST with a name seen: case-insensitive, a "*." in
// the seen name matching exactly one left-most label.
bool gateway_name_matches(const std::string& wanted, const std::string& seen);

}  // namespace sslvpn
