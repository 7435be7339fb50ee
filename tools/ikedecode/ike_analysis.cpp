#include "ike_analysis.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <memory>

#include "ike_session.hpp"
#include "ike_tables.hpp"
#include "seckit/crypto.hpp"

namespace ikedecode {

using seckit::out::Finding;
using seckit::out::Severity;

std::vector<std::uint8_t> natd_hash(const std::string& digest, Bytes spi_i, Bytes spi_r,
                                    const seckit::net::Address& address, std::uint16_t port) {
  // crypto::evp_md fetches each digest once for the process, not once per NAT-D payload, and one
  // context is reused (EVP_Digest allocates and frees one per call: most of its cost here).
  auto parsed = seckit::crypto::parse_digest(digest);
  const EVP_MD* md = parsed ? seckit::crypto::evp_md(*parsed) : nullptr;
  static const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(),
                                                                           EVP_MD_CTX_free);
  if (md == nullptr || ctx == nullptr) return {};
  Bytes addr = address.view();
  const std::uint8_t port_bytes[2] = {static_cast<std::uint8_t>(port >> 8),
                                      static_cast<std::uint8_t>(port & 0xff)};
  std::vector<std::uint8_t> out(EVP_MAX_MD_SIZE);
  unsigned int len = 0;
  bool ok = EVP_DigestInit_ex2(ctx.get(), md, nullptr) == 1 &&
            EVP_DigestUpdate(ctx.get(), spi_i.data(), spi_i.size()) == 1 &&
            EVP_DigestUpdate(ctx.get(), spi_r.data(), spi_r.size()) == 1 &&
            EVP_DigestUpdate(ctx.get(), addr.data(), addr.size()) == 1 &&
            EVP_DigestUpdate(ctx.get(), port_bytes, sizeof port_bytes) == 1 &&
            EVP_DigestFinal_ex(ctx.get(), out.data(), &len) == 1;
  if (!ok) return {};
  out.resize(len);
  return out;
}

namespace {

std::optional<std::string> v1_hash_digest(std::uint32_t hash) {
  switch (hash) {
    case 1:
      return "MD5";
    case 2:
      return "SHA1";
    case 4:
      return "SHA256";
    case 5:
      return "SHA384";
    case 6:
      return "SHA512";
    default:
      return std::nullopt;
  }
}

std::optional<std::uint32_t> v1_attribute(const std::vector<Proposal>& proposals,
                                          std::uint16_t type) {
  if (proposals.empty() || proposals[0].transforms.empty()) return std::nullopt;
  for (const auto& [t, value] : proposals[0].transforms[0].attributes) {
    if (t == type) return value;
  }
  return std::nullopt;
}

}  // namespace

std::optional<NatDetection> SaSecurity::observe(const IkeMessage& m, const IkeContext& ctx,
                                                bool from_initiator) {
  if (exchange_ == 0) exchange_ = m.exchange;
  Bytes spi_i(m.spi_i), spi_r(m.spi_r);
  if (cky_i_.empty()) cky_i_ = hex(spi_i);
  std::vector<Bytes> natd_v1;
  std::vector<std::string> natd_source, natd_destination;
  for (const Payload& p : m.payloads) {
    std::uint8_t t = p.type;
    bool sa = (m.major == 2 && t == 33) || (m.major == 1 && t == 1);
    if (sa && !p.inner) {
      if (from_initiator && offered_.empty()) {
        offered_ = p.proposals();
        if (m.major == 1 && m.exchange == 4) sai_b_ = hex(p.body);
      }
      if (!from_initiator && accepted_.empty()) accepted_ = p.proposals();
      if (m.major == 1 && !p.proposals().empty() && p.proposals()[0].protocol == 1) {
        if (auto auth = v1_attribute(p.proposals(), 3)) v1_auth_method_ = auth;
        if (auto hash = v1_attribute(p.proposals(), 2); hash && !from_initiator) v1_hash_ = hash;
      }
    }
    if (m.major == 2 && t == 34) {
      const auto* ke = std::get_if<KePayload>(&p.parsed);
      (from_initiator ? ke_group_i_ : ke_group_r_) = ke != nullptr ? ke->group.value_or(0) : 0;
    }
    if (m.major == 1 && m.exchange == 4 && !p.inner) {
      if (t == 4) (from_initiator ? g_xi_ : g_xr_) = hex(p.body);
      if (t == 10) (from_initiator ? ni_b_ : nr_b_) = hex(p.body);
      if (t == 5 && !from_initiator) idir_b_ = hex(p.body);
      if (t == 8 && !from_initiator) hash_r_ = hex(p.body);
      if (!from_initiator && cky_r_.empty()) cky_r_ = hex(spi_r);
    }
    const Notify* n = p.notify();
    if (n != nullptr && m.major == 2 && (n->type == 16388 || n->type == 16389)) {
      (n->type == 16388 ? natd_source : natd_destination).push_back(hex(n->data));
    }
    if (m.major == 1 && (t == 20 || t == 130)) natd_v1.push_back(p.body);
  }

  std::optional<NatDetection> result;
  auto check = [&](const std::string& digest, const std::vector<std::string>& source,
                   const std::vector<std::string>& destination) {
    std::string src = hex(natd_hash(digest, spi_i, spi_r, ctx.src, ctx.src_port));
    std::string dst = hex(natd_hash(digest, spi_i, spi_r, ctx.dst, ctx.dst_port));
    NatDetection j;
    j.hash = digest;
    if (!source.empty()) {
      bool match = std::find(source.begin(), source.end(), src) != source.end();
      j.source_matches = match;
      j.source_expected = src;
      // The sender hashed an address other than the one we see: it is behind a NAT (or fakes
      // the hash to force UDP encapsulation). One mismatch in any message is enough.
      auto& side = from_initiator ? initiator_behind_nat_ : responder_behind_nat_;
      side = side.value_or(false) || !match;
    }
    if (!destination.empty()) {
      bool match = std::find(destination.begin(), destination.end(), dst) != destination.end();
      j.destination_matches = match;
      j.destination_expected = dst;
      auto& side = from_initiator ? responder_behind_nat_ : initiator_behind_nat_;
      side = side.value_or(false) || !match;
    }
    natd_seen_ = true;
    return j;
  };
  if (!natd_source.empty() || !natd_destination.empty()) {
    result = check("SHA1", natd_source, natd_destination);
  } else if (!natd_v1.empty()) {
    // RFC 3947: the first NAT-D hashes the destination, the others the sender's addresses;
    // the hash is the negotiated one (known from the responder's SA).
    auto digest = v1_hash_ ? v1_hash_digest(*v1_hash_) : std::nullopt;
    if (digest) {
      std::vector<std::string> destination{hex(natd_v1[0])}, source;
      for (std::size_t i = 1; i < natd_v1.size(); ++i) source.push_back(hex(natd_v1[i]));
      result = check(*digest, source, destination);
    }
  }
  return result;
}

std::string SaSecurity::proposals_text(std::uint8_t version,
                                       const std::vector<Proposal>& proposals) {
  std::string out;
  for (const Proposal& p : proposals) {
    if (!out.empty()) out += '|';
    out += protocol_name(version, p.protocol) + ":";
    bool first = true;
    for (const Transform& t : p.transforms) {
      if (!first) out += ',';
      first = false;
      if (version == 2) {
        out += transform_id_name(t.type, t.id);
        if (t.key_length) out += fmt::format("/{}", *t.key_length);
      } else {
        bool phase1 = p.protocol == 1;
        std::string item = ikev1_transform_id_name(p.protocol, static_cast<std::uint8_t>(t.id));
        for (const auto& [type, value] : t.attributes) {
          if (type == 11 || type == 12 || (!phase1 && (type == 1 || type == 2))) continue;
          auto name = ikev1_attribute_value_name(phase1, type, value);
          item += "/" + (name ? *name : std::to_string(value));
        }
        out += item;
      }
    }
  }
  return out;
}

std::string SaSecurity::fingerprint(const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(text.data(), text.size(), digest, &len, EVP_sha256(), nullptr);
  return hex(Bytes(digest, 8));
}

std::vector<std::string> SaSecurity::weak_algorithms(std::uint8_t version,
                                                     const std::vector<Proposal>& proposals) {
  std::vector<std::string> weak;
  auto add = [&](std::string name) {
    if (std::find(weak.begin(), weak.end(), name) == weak.end()) weak.push_back(std::move(name));
  };
  for (const Proposal& p : proposals) {
    for (const Transform& t : p.transforms) {
      if (version == 2) {
        bool bad = (t.type == 1 && (t.id == 1 || t.id == 2 || t.id == 3 || t.id == 9)) ||
                   (t.type == 2 && (t.id == 1 || t.id == 2)) ||
                   (t.type == 3 && (t.id == 1 || t.id == 2 || t.id == 6 || t.id == 7)) ||
                   ((t.type == 4 || (t.type >= 6 && t.type <= 12)) &&
                    (t.id == 1 || t.id == 2 || t.id == 5 || t.id == 22));
        if (bad) add(transform_id_name(t.type, t.id));
        continue;
      }
      bool phase1 = p.protocol == 1;
      if (!phase1 && p.protocol == 3 && (t.id == 1 || t.id == 2 || t.id == 3 || t.id == 9)) {
        add(ikev1_transform_id_name(p.protocol, static_cast<std::uint8_t>(t.id)));
      }
      for (const auto& [type, value] : t.attributes) {
        bool bad = phase1 ? ((type == 1 && (value == 1 || value == 5)) ||
                             (type == 2 && (value == 1 || value == 2)) ||
                             (type == 4 && (value == 1 || value == 2 || value == 5)))
                          : ((type == 3 && (value == 1 || value == 2 || value == 5)) ||
                             (type == 5 && (value == 1 || value == 2)));
        if (bad) {
          auto name = ikev1_attribute_value_name(phase1, type, value);
          add(name ? *name : std::to_string(value));
        }
      }
    }
  }
  return weak;
}

SecuritySummary SaSecurity::summarize(std::uint8_t version) const {
  SecuritySummary out;
  if (!offered_.empty()) {
    out.offered_proposals = proposals_text(version, offered_);
    out.proposal_fingerprint = fingerprint(out.offered_proposals);
  }
  if (!accepted_.empty()) out.accepted_proposal = proposals_text(version, accepted_);
  if (ke_group_i_) out.ke_group_initiator = dh_group_name(*ke_group_i_);
  if (ke_group_r_) out.ke_group_responder = dh_group_name(*ke_group_r_);
  if (natd_seen_) out.nat = NatSummary{initiator_behind_nat_, responder_behind_nat_};
  out.weak_crypto = weak_algorithms(version, accepted_);
  if (out.weak_crypto.empty()) out.weak_crypto_offered = weak_algorithms(version, offered_);
  bool psk = v1_auth_method_ &&
             (*v1_auth_method_ == 1 || *v1_auth_method_ == 65001 || *v1_auth_method_ == 65002);
  out.aggressive_psk = version == 1 && exchange_ == 4 && psk;
  bool complete = !g_xi_.empty() && !g_xr_.empty() && !sai_b_.empty() && !idir_b_.empty() &&
                  !ni_b_.empty() && !nr_b_.empty() && !hash_r_.empty() && !cky_r_.empty();
  if (out.aggressive_psk && complete) {
    // ike-scan's psk-crack input: g_xr:g_xi:cky_r:cky_i:sai_b:idir_b:ni_b:nr_b:hash_r
    out.psk_crack = fmt::format("{}:{}:{}:{}:{}:{}:{}:{}:{}", g_xr_, g_xi_, cky_r_, cky_i_, sai_b_,
                                idir_b_, ni_b_, nr_b_, hash_r_);
  }
  return out;
}

void SaSecurity::add_findings(const SecuritySummary& summary, const std::string& spi_i,
                              std::vector<Finding>& findings) {
  if (!summary.weak_crypto.empty()) {
    findings.push_back({"weak-crypto",
                        Severity::kWarning,
                        fmt::format("SA {} negotiated weak algorithms: {}", spi_i,
                                    fmt::join(summary.weak_crypto, ", ")),
                        {{"algorithms", summary.weak_crypto}, {"spi_i", spi_i}},
                        nullptr});
  } else if (!summary.weak_crypto_offered.empty()) {
    findings.push_back({"weak-crypto-offered",
                        Severity::kInfo,
                        fmt::format("SA {} initiator offered weak algorithms: {}", spi_i,
                                    fmt::join(summary.weak_crypto_offered, ", ")),
                        {{"algorithms", summary.weak_crypto_offered}, {"spi_i", spi_i}},
                        nullptr});
  }
  if (summary.aggressive_psk) {
    Json details{{"spi_i", spi_i}};
    if (!summary.psk_crack.empty()) details["psk_crack"] = summary.psk_crack;
    findings.push_back({"aggressive-mode-psk", Severity::kWarning,
                        "IKEv1 aggressive mode with a pre-shared key: the responder's hash can be "
                        "cracked offline (psk-crack, hashcat -m 5300/5400)",
                        details, nullptr});
  }
}

}  // namespace ikedecode
