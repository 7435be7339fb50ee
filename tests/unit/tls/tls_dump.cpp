// Test-only driver for common/tls: reads a capture through common/net (PcapSource,
// PacketDecoder, TcpReassembler / UDP) and prints every TLS/DTLS event as one JSON line, then
// one "summary" line per connection. The shell tests compare this with tshark.
//
//   tls_dump [--keylog FILE] [--records] [--session SID_HEX:MASTER_HEX] [--export LABEL:LEN]
//            [--psk HEX] [--quiet] [--sweep] CAPTURE
//
// --sweep (hostile-input test): collects each TCP connection's chunks, then replays them into
// fresh TlsConnections cut at every byte (truncation) and started at every byte (a capture
// that begins mid-session, reported as a gap); prints one "sweep" line with the run count.
#include <fmt/format.h>

#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "seckit/enc.hpp"
#include "seckit/error.hpp"
#include "seckit/net.hpp"
#include "seckit/tls.hpp"

namespace {

using nlohmann::json;
using seckit::tls::Direction;

std::string hex(seckit::tls::Bytes b) { return seckit::enc::hex_encode(b); }

json extensions_json(const std::vector<seckit::tls::Extension>& exts) {
  json out = json::array();
  for (const auto& e : exts) out.push_back(e.name);
  return out;
}

json handshake_json(const seckit::tls::HandshakeMessage& m) {
  namespace t = seckit::tls;
  json j;
  j["type"] = m.type_name();
  j["length"] = m.length;
  if (m.error) j["error"] = m.error->message;
  if (auto* ch = std::get_if<t::ClientHello>(&m.parsed)) {
    j["version"] = t::version_name(ch->legacy_version);
    j["random"] = hex(ch->random);
    j["session_id"] = hex(ch->session_id);
    json suites = json::array();
    for (auto s : ch->cipher_suites) suites.push_back(t::cipher_suite_name(s));
    j["cipher_suites"] = suites;
    j["extensions"] = extensions_json(ch->extensions);
    if (ch->sni) j["sni"] = *ch->sni;
    j["alpn"] = ch->alpn;
    json versions = json::array();
    for (auto v : ch->supported_versions) versions.push_back(t::version_name(v));
    j["supported_versions"] = versions;
    json groups = json::array();
    for (auto g : ch->key_share_groups) groups.push_back(t::named_group_name(g));
    j["key_share"] = groups;
    j["extended_master_secret"] = ch->extended_master_secret;
    j["encrypt_then_mac"] = ch->encrypt_then_mac;
    j["ticket_length"] = ch->session_ticket_length;
    j["pre_shared_key"] = ch->pre_shared_key;
    if (!ch->cookie.empty()) j["cookie"] = hex(ch->cookie);
  } else if (auto* sh = std::get_if<t::ServerHello>(&m.parsed)) {
    j["version"] = t::version_name(sh->selected_version);
    j["cipher_suite"] = t::cipher_suite_name(sh->cipher_suite);
    j["session_id"] = hex(sh->session_id);
    j["hello_retry_request"] = sh->hello_retry_request;
    j["extensions"] = extensions_json(sh->extensions);
    if (sh->key_share_group) j["group"] = t::named_group_name(*sh->key_share_group);
  } else if (auto* c = std::get_if<t::Certificate>(&m.parsed)) {
    json certs = json::array();
    for (const auto& der : c->certificates) certs.push_back(der.size());
    j["certificate_lengths"] = certs;
  } else if (auto* cr = std::get_if<t::CertificateRequest>(&m.parsed)) {
    j["ca_names"] = cr->ca_names;
  } else if (auto* ske = std::get_if<t::ServerKeyExchange>(&m.parsed)) {
    j["kind"] = t::key_exchange_name(ske->kind);
    if (ske->named_group) j["group"] = t::named_group_name(*ske->named_group);
  } else if (auto* cke = std::get_if<t::ClientKeyExchange>(&m.parsed)) {
    j["kind"] = t::key_exchange_name(cke->kind);
  } else if (auto* f = std::get_if<t::Finished>(&m.parsed)) {
    j["verify_data"] = hex(f->verify_data);
  } else if (auto* hvr = std::get_if<t::HelloVerifyRequest>(&m.parsed)) {
    j["cookie"] = hex(hvr->cookie);
  }
  return j;
}

json summary_json(const seckit::tls::Summary& s) {
  namespace t = seckit::tls;
  json j;
  j["dtls"] = s.dtls;
  j["client_random"] = hex(s.client_random);
  if (s.version) j["version"] = t::version_name(*s.version);
  if (s.cipher_suite) {
    j["cipher_suite"] = t::cipher_suite_name(*s.cipher_suite);
    j["cipher_suite_id"] = fmt::format("0x{:04x}", *s.cipher_suite);
  }
  if (s.sni) j["sni"] = *s.sni;
  if (s.alpn) j["alpn"] = *s.alpn;
  j["resumption"] = t::resumption_name(s.resumption);
  j["client_certificate_requested"] = s.client_certificate_requested;
  j["client_ca_names"] = s.client_ca_names;
  j["client_certificate_sent"] = s.client_certificate_sent;
  j["server_certificates"] = s.server_certificates.size();
  j["decrypted"] = s.decrypted;
  j["opaque_reason"] = s.opaque_reason;
  if (s.tls_unique) j["tls_unique"] = hex(*s.tls_unique);
  for (auto d : {Direction::kClientToServer, Direction::kServerToClient}) {
    const auto& c = s.counts(d);
    j[std::string(t::direction_name(d))] = {{"records", c.records},
                                            {"handshake_messages", c.handshake_messages},
                                            {"application_records", c.application_records},
                                            {"decrypted_records", c.decrypted_records},
                                            {"plaintext_bytes", c.plaintext_bytes},
                                            {"alerts", c.alerts},
                                            {"gaps", c.gaps}};
  }
  return j;
}

struct Conn {
  int id = 0;
  seckit::net::FlowKey client;  // direction client -> server
  std::unique_ptr<seckit::tls::TlsConnection> tls;
  std::unique_ptr<seckit::tls::DtlsConnection> dtls;
};

seckit::net::FlowKey reverse(const seckit::net::FlowKey& k) {
  return {k.dst, k.src, k.dst_port, k.src_port};
}

}  // namespace

int main(int argc, char** argv) {
  std::string keylog_path, capture;
  bool records = false;
  bool sweep = false;
  bool quiet = false;
  std::optional<std::vector<std::uint8_t>> psk_option;  // DTLS PSK sessions  // events are counted,
                                                        // not printed (throughput measurements)
  std::string export_label;
  std::size_t export_length = 0;
  std::vector<std::pair<std::string, std::string>> sessions;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--keylog" && i + 1 < argc) {
      keylog_path = argv[++i];
    } else if (a == "--export" && i + 1 < argc) {
      // LABEL:LENGTH, no context (what `openssl s_client -keymatexport` computes).
      std::string v = argv[++i];
      auto colon = v.rfind(':');
      if (colon == std::string::npos) return 2;
      export_label = v.substr(0, colon);
      export_length = std::stoul(v.substr(colon + 1));
    } else if (a == "--psk" && i + 1 < argc) {
      auto psk = seckit::enc::hex_decode(argv[++i]);
      if (!psk) return 2;
      psk_option = std::move(psk.value());
    } else if (a == "--quiet") {
      quiet = true;
    } else if (a == "--sweep") {
      sweep = true;
    } else if (a == "--records") {
      records = true;
    } else if (a == "--session" && i + 1 < argc) {
      std::string v = argv[++i];
      auto colon = v.find(':');
      if (colon == std::string::npos) {
        std::fprintf(stderr, "tls_dump: --session wants SID:MASTER\n");
        return 2;
      }
      sessions.emplace_back(v.substr(0, colon), v.substr(colon + 1));
    } else if (capture.empty()) {
      capture = a;
    } else {
      std::fprintf(stderr, "usage: tls_dump [--keylog FILE] [--records] CAPTURE\n");
      return 2;
    }
  }
  try {
    seckit::tls::KeyLog keylog;
    if (!keylog_path.empty()) keylog.load_file(keylog_path);
    for (const auto& [sid, master] : sessions) {
      auto s = seckit::enc::hex_decode(sid);
      auto m = seckit::enc::hex_decode(master);
      if (!s || !m) {
        std::fprintf(stderr, "tls_dump: bad --session hex\n");
        return 2;
      }
      keylog.add_session_master(*s, *m);
    }
    if (!keylog_path.empty()) {
      json k = {{"kind", "keylog"},
                {"entries", keylog.stats().entries},
                {"bad_lines", keylog.stats().bad_lines}};
      std::cout << k.dump() << "\n";
    }
    seckit::tls::Options options;
    options.keylog = &keylog;
    options.record_events = records;

    std::map<seckit::net::FlowKey, std::shared_ptr<Conn>> conns;  // both directions map here
    std::vector<std::shared_ptr<Conn>> order;
    auto make_handler = [quiet](int id) {
      return [id, quiet](const seckit::tls::Event& e) {
        namespace t = seckit::tls;
        if (quiet) return;
        json j;
        j["conn"] = id;
        j["dir"] = t::direction_name(e.direction);
        j["frame"] = e.frame;
        j["epoch"] = e.epoch;
        j["seq"] = e.sequence;
        switch (e.kind) {
          case t::EventKind::kRecord:
            j["kind"] = "record";
            j["content_type"] = e.content_type;
            j["version"] = t::version_name(e.record_version);
            j["length"] = e.record_length;
            break;
          case t::EventKind::kHandshake:
            j["kind"] = "handshake";
            j["type"] = e.handshake->type;
            j["decrypted"] = e.decrypted;
            j["handshake"] = handshake_json(*e.handshake);
            break;
          case t::EventKind::kChangeCipherSpec:
            j["kind"] = "change_cipher_spec";
            break;
          case t::EventKind::kAlert:
            j["kind"] = "alert";
            j["level"] = e.alert.level_name();
            j["description"] = e.alert.description_name();
            j["decrypted"] = e.decrypted;
            break;
          case t::EventKind::kApplicationData:
            j["kind"] = "application_data";
            j["decrypted"] = e.decrypted;
            j["length"] = e.record_length;
            if (e.decrypted) {
              std::string text(e.plaintext.begin(), e.plaintext.end());
              bool printable = true;
              for (unsigned char ch : text) printable = printable && ch >= 0x09 && ch < 0x7f;
              if (printable) {
                j["text"] = text;
              } else {
                j["hex"] = hex(e.plaintext);
              }
            }
            break;
          case t::EventKind::kOpaque:
            j["kind"] = "opaque";
            j["content_type"] = e.content_type;
            j["length"] = e.record_length;
            break;
          case t::EventKind::kHeartbeat:
            j["kind"] = "heartbeat";
            break;
          case t::EventKind::kNote:
            j["kind"] = "note";
            j["code"] = e.note.code;
            j["message"] = e.note.message;
            break;
        }
        std::cout << j.dump() << "\n";
      };
    };
    auto find_or_create = [&](const seckit::net::FlowKey& key, seckit::tls::Bytes first,
                              bool udp) -> std::pair<std::shared_ptr<Conn>, Direction> {
      auto it = conns.find(key);
      if (it != conns.end()) {
        auto c = it->second;
        return {c, c->client == key ? Direction::kClientToServer : Direction::kServerToClient};
      }
      auto c = std::make_shared<Conn>();
      c->id = static_cast<int>(order.size()) + 1;
      // The client speaks first in TLS and DTLS (ClientHello); mid-session captures fall back
      // to "the higher port is the client".
      bool hello = first.size() > (udp ? 13u : 5u) && first[0] == 22 && first[udp ? 13 : 5] == 1;
      c->client = (hello || key.src_port > key.dst_port) ? key : reverse(key);
      if (udp) {
        auto dtls_options = options;
        if (psk_option) dtls_options.psk = psk_option;
        c->dtls = std::make_unique<seckit::tls::DtlsConnection>(dtls_options, make_handler(c->id));
      } else {
        c->tls = std::make_unique<seckit::tls::TlsConnection>(options, make_handler(c->id));
      }
      conns[key] = c;
      conns[reverse(key)] = c;
      order.push_back(c);
      return {c, c->client == key ? Direction::kClientToServer : Direction::kServerToClient};
    };

    struct Piece {
      int conn;
      Direction dir;
      std::vector<std::uint8_t> data;
    };
    std::vector<Piece> pieces;
    seckit::net::TcpReassembler tcp([&](const seckit::net::StreamChunk& chunk) {
      auto [c, dir] = find_or_create(chunk.flow, chunk.data, false);
      if (sweep) {
        pieces.push_back({c->id, dir, {chunk.data.begin(), chunk.data.end()}});
        return;
      }
      c->tls->feed(dir, chunk.data, chunk.frame, chunk.time, chunk.gap);
    });
    seckit::net::PcapSource source(capture);
    seckit::net::PacketDecoder decoder(
        source.link_type(),
        [&](const seckit::net::Transport& t) {
          if (t.kind == seckit::net::TransportKind::kTcp) {
            tcp.add(t);
          } else if (t.kind == seckit::net::TransportKind::kUdp) {
            seckit::net::FlowKey key{t.ip.src, t.ip.dst, t.udp.src_port, t.udp.dst_port};
            if (!conns.count(key) && !seckit::tls::looks_like_dtls(t.payload)) return;
            auto [c, dir] = find_or_create(key, t.payload, true);
            c->dtls->feed(dir, t.payload, t.info.frame, t.info.time());
          }
        },
        [](const seckit::net::Anomaly&) {});
    seckit::net::RawPacket packet;
    while (source.next(packet)) decoder.feed(packet);
    decoder.flush();
    tcp.flush();
    if (sweep) {
      std::size_t total = 0;
      for (const auto& p : pieces) total += p.data.size();
      std::uint64_t runs = 0, events = 0;
      auto count = [&](const seckit::tls::Event&) { ++events; };
      // Cut at every byte: feed everything before position `cut`.
      for (std::size_t cut = 0; cut <= total; ++cut) {
        std::map<int, seckit::tls::TlsConnection> live;
        std::size_t pos = 0;
        for (const auto& p : pieces) {
          if (pos >= cut) break;
          std::size_t n = std::min(p.data.size(), cut - pos);
          auto it = live.try_emplace(p.conn, options, count).first;
          it->second.feed(p.dir, {p.data.data(), n}, 1, 0);
          pos += p.data.size();
        }
        for (auto& [id, conn] : live) conn.finish();
        ++runs;
      }
      // Start at every byte: what came before is a gap.
      for (std::size_t start = 0; start <= total; ++start) {
        std::map<int, seckit::tls::TlsConnection> live;
        std::size_t pos = 0;
        for (const auto& p : pieces) {
          std::size_t end = pos + p.data.size();
          if (end > start) {
            std::size_t skip = start > pos ? start - pos : 0;
            auto it = live.try_emplace(p.conn, options, count).first;
            it->second.feed(p.dir, {p.data.data() + skip, p.data.size() - skip}, 1, 0, skip);
          }
          pos = end;
        }
        for (auto& [id, conn] : live) conn.finish();
        ++runs;
      }
      std::cout
          << json({{"kind", "sweep"}, {"bytes", total}, {"runs", runs}, {"events", events}}).dump()
          << "\n";
      return 0;
    }
    for (const auto& c : order) {
      const seckit::tls::Summary* s;
      if (c->tls) {
        c->tls->finish();
        s = &c->tls->summary();
      } else {
        c->dtls->finish();
        s = &c->dtls->summary();
      }
      json j = summary_json(*s);
      if (!export_label.empty()) {
        auto ekm = c->tls
                       ? c->tls->export_keying_material(export_label, std::nullopt, export_length)
                       : c->dtls->export_keying_material(export_label, std::nullopt, export_length);
        j["exporter"] = ekm ? hex(*ekm) : "";
      }
      j["kind"] = "summary";
      j["conn"] = c->id;
      std::cout << j.dump() << "\n";
    }
  } catch (const seckit::ToolError& e) {
    std::fprintf(stderr, "tls_dump: %s: %s\n", e.context().c_str(), e.what());
    return e.code();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tls_dump: %s\n", e.what());
    return 3;
  }
  return 0;
}
