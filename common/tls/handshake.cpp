// Handshake message bodies (RFC 5246 7.4, RFC 8446 4, RFC 6347 4.2), every field named. Each
// parser reads through bytes::Reader and fails softly: the message is still reported with its
// type and length, and `error` says where it stopped making sense.
#include <fmt/format.h>
#include <openssl/x509.h>

#include "seckit/bytes.hpp"
#include "seckit/crypto.hpp"
#include "seckit/tls.hpp"
#include "seckit/x509.hpp"

namespace seckit::tls {
namespace {

using bytes::Reader;

// SHA-256("HelloRetryRequest"), RFC 8446 4.1.3.
constexpr std::uint8_t kHrrRandom[32] = {
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c};

Buffer to_buffer(Bytes b) { return Buffer(b.begin(), b.end()); }

std::vector<std::uint16_t> u16_list(Reader r) {
  std::vector<std::uint16_t> out;
  while (r.remaining() >= 2) out.push_back(r.be16());
  return out;
}

std::vector<std::uint8_t> u8_list(Reader r) {
  std::vector<std::uint8_t> out;
  while (!r.empty() && r.ok()) out.push_back(r.u8());
  return out;
}

std::vector<std::string> alpn_list(Bytes data) {
  Reader r(data);
  Reader list = r.sub(r.be16());
  std::vector<std::string> out;
  while (list.ok() && !list.empty()) {
    auto name = list.text(list.u8());
    if (list.ok()) out.emplace_back(name);
  }
  return out;
}

std::string dn_text(Bytes der) {
  const unsigned char* p = der.data();
  X509_NAME* name = d2i_X509_NAME(nullptr, &p, static_cast<long>(der.size()));
  if (!name) {
    crypto::openssl_errors();
    return "<unparsable>";
  }
  std::string text = x509::name_rfc4514(name);
  X509_NAME_free(name);
  return text;
}

// server_name (RFC 6066 3): the first host_name entry.
std::optional<std::string> first_host_name(Reader r) {
  Reader list = r.sub(r.be16());
  while (list.ok() && !list.empty()) {
    std::uint8_t kind = list.u8();
    auto host = list.text(list.be16());
    if (list.ok() && kind == 0) return std::string(host);
  }
  return std::nullopt;
}

// pre_shared_key (RFC 8446 4.2.11): identities<7..2^16-1> of {identity<1..2^16-1>, uint32 age}.
std::size_t psk_identity_count(Reader r) {
  std::size_t n = 0;
  Reader ids = r.sub(r.be16());
  while (ids.ok() && !ids.empty()) {
    ids.skip(ids.be16());
    ids.be32();
    if (ids.ok()) ++n;
  }
  return n;
}

// key_share (RFC 8446 4.2.8): the groups of the client_shares.
std::vector<std::uint16_t> key_share_groups(Reader r) {
  std::vector<std::uint16_t> groups;
  Reader shares = r.sub(r.be16());
  while (shares.ok() && !shares.empty()) {
    std::uint16_t group = shares.be16();
    shares.skip(shares.be16());
    if (shares.ok()) groups.push_back(group);
  }
  return groups;
}

void parse_client_extensions(ClientHello& ch) {
  for (const auto& ext : ch.extensions) {
    Reader r(ext.data);
    switch (ext.type) {
      case 0:  // server_name
        if (!ch.sni) ch.sni = first_host_name(r);
        break;
      case 5:
        ch.status_request = true;
        break;
      case 10:
        ch.supported_groups = u16_list(r.sub(r.be16()));
        break;
      case 11:
        ch.ec_point_formats = u8_list(r.sub(r.u8()));
        break;
      case 13:
        ch.signature_algorithms = u16_list(r.sub(r.be16()));
        break;
      case 15:
        ch.heartbeat = true;
        break;
      case 16:
        ch.alpn = alpn_list(ext.data);
        break;
      case 22:
        ch.encrypt_then_mac = true;
        break;
      case 23:
        ch.extended_master_secret = true;
        break;
      case 28:
        ch.record_size_limit = r.be16();
        break;
      case 35:
        ch.session_ticket = true;
        ch.session_ticket_length = ext.data.size();
        break;
      case 41:  // pre_shared_key
        ch.pre_shared_key = true;
        ch.psk_identities += psk_identity_count(r);
        break;
      case 42:
        ch.early_data = true;
        break;
      case 43:
        ch.supported_versions = u16_list(r.sub(r.u8()));
        break;
      case 45:
        ch.psk_key_exchange_modes = u8_list(r.sub(r.u8()));
        break;
      case 51: {  // key_share client_shares
        auto groups = key_share_groups(r);
        ch.key_share_groups.insert(ch.key_share_groups.end(), groups.begin(), groups.end());
        break;
      }
      case 0xff01:
        ch.renegotiation_info = true;
        break;
      default:
        break;
    }
  }
  for (auto suite : ch.cipher_suites) {
    if (suite == 0x00ff) ch.renegotiation_info = true;
  }
}

Result<ClientHello> parse_client_hello(Bytes body, bool dtls) {
  Reader r(body);
  ClientHello ch;
  ch.legacy_version = r.be16();
  auto random = r.bytes(32);
  if (r.ok()) std::copy(random.begin(), random.end(), ch.random.begin());
  ch.session_id = to_buffer(r.bytes(r.u8()));
  if (dtls) ch.cookie = to_buffer(r.bytes(r.u8()));
  ch.cipher_suites = u16_list(r.sub(r.be16()));
  ch.compression_methods = u8_list(r.sub(r.u8()));
  if (!r.ok()) return r.error("truncated client_hello");
  if (!r.empty()) {
    auto exts = parse_extensions(r.sub(r.be16()).rest());
    if (!r.ok()) return r.error("truncated client_hello extensions");
    if (!exts) return exts.error();
    ch.extensions = std::move(exts.value());
  }
  parse_client_extensions(ch);
  return ch;
}

Result<ServerHello> parse_server_hello(Bytes body, bool dtls) {
  (void)dtls;
  Reader r(body);
  ServerHello sh;
  sh.legacy_version = r.be16();
  auto random = r.bytes(32);
  if (r.ok()) std::copy(random.begin(), random.end(), sh.random.begin());
  sh.session_id = to_buffer(r.bytes(r.u8()));
  sh.cipher_suite = r.be16();
  sh.compression_method = r.u8();
  if (!r.ok()) return r.error("truncated server_hello");
  if (!r.empty()) {
    auto exts = parse_extensions(r.sub(r.be16()).rest());
    if (!r.ok()) return r.error("truncated server_hello extensions");
    if (!exts) return exts.error();
    sh.extensions = std::move(exts.value());
  }
  sh.hello_retry_request = std::equal(sh.random.begin(), sh.random.end(), kHrrRandom);
  // "DOWNGRD" + 01/00 in the last 8 bytes (RFC 8446 4.1.3).
  static constexpr std::uint8_t kDowngrade[7] = {0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44};
  sh.downgrade_sentinel = std::equal(kDowngrade, kDowngrade + 7, sh.random.begin() + 24);
  sh.selected_version = sh.legacy_version;
  for (const auto& ext : sh.extensions) {
    Reader e(ext.data);
    switch (ext.type) {
      case 16: {
        auto list = alpn_list(ext.data);
        if (!list.empty()) sh.alpn = list.front();
        break;
      }
      case 22:
        sh.encrypt_then_mac = true;
        break;
      case 23:
        sh.extended_master_secret = true;
        break;
      case 35:
        sh.session_ticket = true;
        break;
      case 41: {
        auto id = e.be16();
        if (e.ok()) sh.selected_psk = id;
        break;
      }
      case 43: {
        auto v = e.be16();
        if (e.ok()) sh.selected_version = v;
        break;
      }
      case 51: {  // ServerHello: KeyShareEntry; HRR: selected_group only
        auto g = e.be16();
        if (e.ok()) sh.key_share_group = g;
        break;
      }
      case 0xff01:
        sh.renegotiation_info = true;
        break;
      default:
        break;
    }
  }
  return sh;
}

Result<Certificate> parse_certificate(Bytes body, bool tls13) {
  Reader r(body);
  Certificate c;
  if (tls13) c.request_context = to_buffer(r.bytes(r.u8()));
  Reader list = r.sub(r.be24());
  if (!r.ok()) return r.error("truncated certificate list");
  while (list.ok() && !list.empty()) {
    auto der = list.bytes(list.be24());
    if (!list.ok()) return list.error("truncated certificate entry");
    c.certificates.push_back(to_buffer(der));
    if (tls13) {
      auto exts = parse_extensions(list.sub(list.be16()).rest());
      if (!list.ok()) return list.error("truncated certificate entry extensions");
      c.certificate_extensions.push_back(exts ? std::move(exts.value()) : std::vector<Extension>{});
    }
  }
  return c;
}

Result<CertificateRequest> parse_certificate_request(Bytes body, bool tls13, bool tls12) {
  Reader r(body);
  CertificateRequest cr;
  if (tls13) {
    cr.request_context = to_buffer(r.bytes(r.u8()));
    auto exts = parse_extensions(r.sub(r.be16()).rest());
    if (!r.ok()) return r.error("truncated certificate_request");
    if (!exts) return exts.error();
    cr.extensions = std::move(exts.value());
    for (const auto& ext : cr.extensions) {
      Reader e(ext.data);
      if (ext.type == 13) cr.signature_algorithms = u16_list(e.sub(e.be16()));
      if (ext.type == 47) {  // certificate_authorities
        Reader names = e.sub(e.be16());
        while (names.ok() && !names.empty()) {
          auto dn = names.bytes(names.be16());
          if (!names.ok()) break;
          cr.ca_names_der.push_back(to_buffer(dn));
          cr.ca_names.push_back(dn_text(dn));
        }
      }
    }
    return cr;
  }
  cr.certificate_types = u8_list(r.sub(r.u8()));
  if (tls12) cr.signature_algorithms = u16_list(r.sub(r.be16()));
  Reader names = r.sub(r.be16());
  if (!r.ok()) return r.error("truncated certificate_request");
  while (names.ok() && !names.empty()) {
    auto dn = names.bytes(names.be16());
    if (!names.ok()) return names.error("truncated distinguished name");
    cr.ca_names_der.push_back(to_buffer(dn));
    cr.ca_names.push_back(dn_text(dn));
  }
  return cr;
}

Result<ServerKeyExchange> parse_server_key_exchange(Bytes body, const ParseContext& ctx) {
  Reader r(body);
  ServerKeyExchange ske;
  ske.kind = key_exchange_of(ctx.cipher_suite);
  bool psk = ske.kind == KeyExchangeKind::kPsk || ske.kind == KeyExchangeKind::kDhePsk ||
             ske.kind == KeyExchangeKind::kEcdhePsk || ske.kind == KeyExchangeKind::kRsaPsk;
  if (psk) ske.psk_identity_hint = to_buffer(r.bytes(r.be16()));
  bool signed_params = !psk;
  switch (ske.kind) {
    case KeyExchangeKind::kEcdhe:
    case KeyExchangeKind::kEcdhePsk:
      ske.curve_type = r.u8();
      if (ske.curve_type == 3) ske.named_group = r.be16();
      ske.public_key_length = r.bytes(r.u8()).size();
      break;
    case KeyExchangeKind::kDhe:
    case KeyExchangeKind::kDhePsk: {
      auto p = r.bytes(r.be16());
      std::size_t bits = p.size() * 8;
      for (std::size_t i = 0; i < p.size() && p[i] == 0; ++i) bits -= 8;
      ske.dh_prime_bits = bits;
      r.skip(r.be16());  // g
      ske.public_key_length = r.bytes(r.be16()).size();
      break;
    }
    case KeyExchangeKind::kPsk:
    case KeyExchangeKind::kRsaPsk:
      break;
    default:
      return ske;  // unknown suite: nothing more to read reliably
  }
  if (!r.ok()) return r.error("truncated server_key_exchange");
  if (signed_params && !r.empty()) {
    bool has_algorithm = ctx.version == kTls12 || ctx.version == kDtls12 || ctx.version == 0;
    // TLS 1.0/1.1 have no SignatureAndHashAlgorithm; infer it from what is left.
    if (has_algorithm && r.remaining() >= 4) {
      auto peek = r.peek(4);
      std::size_t len = (static_cast<std::size_t>(peek[2]) << 8) | peek[3];
      if (len + 4 == r.remaining()) ske.signature_algorithm = r.be16();
    }
    ske.signature_length = r.bytes(r.be16()).size();
    if (!r.ok()) return r.error("truncated server_key_exchange signature");
  }
  return ske;
}

Result<ClientKeyExchange> parse_client_key_exchange(Bytes body, const ParseContext& ctx) {
  Reader r(body);
  ClientKeyExchange cke;
  cke.kind = key_exchange_of(ctx.cipher_suite);
  switch (cke.kind) {
    case KeyExchangeKind::kRsa:
      // TLS: a length-prefixed EncryptedPreMasterSecret (SSL 3.0 has no prefix).
      cke.exchange_length = body.size() >= 2 ? body.size() - 2 : body.size();
      break;
    case KeyExchangeKind::kEcdhe:
      cke.exchange_length = r.bytes(r.u8()).size();
      break;
    case KeyExchangeKind::kDhe:
      cke.exchange_length = r.bytes(r.be16()).size();
      break;
    case KeyExchangeKind::kPsk:
      cke.psk_identity = to_buffer(r.bytes(r.be16()));
      break;
    case KeyExchangeKind::kEcdhePsk:
      cke.psk_identity = to_buffer(r.bytes(r.be16()));
      cke.exchange_length = r.bytes(r.u8()).size();
      break;
    case KeyExchangeKind::kDhePsk:
    case KeyExchangeKind::kRsaPsk:
      cke.psk_identity = to_buffer(r.bytes(r.be16()));
      cke.exchange_length = r.bytes(r.be16()).size();
      break;
    default:
      cke.exchange_length = body.size();
      break;
  }
  if (!r.ok()) return r.error("truncated client_key_exchange");
  return cke;
}

}  // namespace

std::uint16_t ClientHello::highest_version() const {
  std::uint16_t best = 0;
  for (auto v : supported_versions) {
    if (is_grease(v)) continue;
    // DTLS versions count down; compare on the "minor" distance instead.
    if (best == 0 || (is_dtls_version(v) ? v < best : v > best)) best = v;
  }
  return best ? best : legacy_version;
}

Result<std::vector<Extension>> parse_extensions(Bytes data) {
  Reader r(data);
  std::vector<Extension> out;
  while (r.ok() && !r.empty()) {
    Extension ext;
    ext.type = r.be16();
    auto body = r.bytes(r.be16());
    if (!r.ok()) return r.error("truncated extension");
    ext.name = extension_name(ext.type);
    ext.data = to_buffer(body);
    out.push_back(std::move(ext));
    if (out.size() > 512) return r.error("too many extensions");
  }
  return out;
}

namespace {

Result<HelloVerifyRequest> parse_hello_verify_request(Bytes body) {
  Reader r(body);
  HelloVerifyRequest hvr;
  hvr.server_version = r.be16();
  hvr.cookie = to_buffer(r.bytes(r.u8()));
  if (!r.ok()) return r.error("truncated hello_verify_request");
  return hvr;
}

Result<EncryptedExtensions> parse_encrypted_extensions(Bytes body) {
  Reader r(body);
  auto exts = parse_extensions(r.sub(r.be16()).rest());
  if (!r.ok()) return r.error("truncated encrypted_extensions");
  if (!exts) return exts.error();
  EncryptedExtensions ee;
  ee.extensions = std::move(exts.value());
  for (const auto& e : ee.extensions) {
    if (e.type == 0) ee.server_name_acknowledged = true;
    if (e.type == 42) ee.early_data = true;
    if (e.type == 16) {
      auto list = alpn_list(e.data);
      if (!list.empty()) ee.alpn = list.front();
    }
  }
  return ee;
}

// TLS 1.2 and 1.3 name the signature algorithm; earlier versions do not.
Result<CertificateVerify> parse_certificate_verify(Bytes body, bool with_algorithm) {
  Reader r(body);
  CertificateVerify cv;
  if (with_algorithm) cv.algorithm = r.be16();
  cv.signature_length = r.bytes(r.be16()).size();
  if (!r.ok()) return r.error("truncated certificate_verify");
  return cv;
}

Result<NewSessionTicket> parse_new_session_ticket(Bytes body, bool tls13) {
  Reader r(body);
  NewSessionTicket t;
  t.lifetime = r.be32();
  if (tls13) {
    t.age_add = r.be32();
    t.nonce = to_buffer(r.bytes(r.u8()));
    t.ticket_length = r.bytes(r.be16()).size();
    auto exts = parse_extensions(r.sub(r.be16()).rest());
    if (exts) t.extensions = std::move(exts.value());
  } else {
    t.ticket_length = r.bytes(r.be16()).size();
  }
  if (!r.ok()) return r.error("truncated new_session_ticket");
  return t;
}

Result<KeyUpdate> parse_key_update(Bytes body) {
  Reader r(body);
  KeyUpdate ku;
  ku.update_requested = r.u8() == 1;
  if (!r.ok()) return r.error("truncated key_update");
  return ku;
}

}  // namespace

HandshakeMessage parse_handshake(std::uint8_t type, Bytes body, const ParseContext& ctx) {
  HandshakeMessage m;
  m.type = type;
  m.length = static_cast<std::uint32_t>(body.size());
  m.body = to_buffer(body);
  bool tls13 = ctx.version == kTls13;
  bool tls12 = ctx.version == kTls12 || ctx.version == kDtls12 || ctx.version == 0;
  auto take = [&](auto result) {
    if (result) {
      m.parsed = std::move(result.value());
    } else {
      m.error = result.error();
    }
  };
  switch (type) {
    case kClientHello:
      take(parse_client_hello(body, ctx.dtls));
      break;
    case kServerHello:
      take(parse_server_hello(body, ctx.dtls));
      break;
    case kHelloVerifyRequest:
      take(parse_hello_verify_request(body));
      break;
    case kEncryptedExtensions:
      take(parse_encrypted_extensions(body));
      break;
    case kCertificate:
      take(parse_certificate(body, tls13));
      break;
    case kCertificateRequest:
      take(parse_certificate_request(body, tls13, tls12));
      break;
    case kServerKeyExchange:
      take(parse_server_key_exchange(body, ctx));
      break;
    case kClientKeyExchange:
      take(parse_client_key_exchange(body, ctx));
      break;
    case kCertificateVerify:
      take(parse_certificate_verify(body, tls12 || tls13));
      break;
    case kNewSessionTicket:
      take(parse_new_session_ticket(body, tls13));
      break;
    case kFinished:
      m.parsed = Finished{to_buffer(body)};
      break;
    case kKeyUpdate:
      take(parse_key_update(body));
      break;
    default:
      break;
  }
  return m;
}

}  // namespace seckit::tls
