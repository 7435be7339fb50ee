#include "audit.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "seckit/enc.hpp"

namespace cbaudit {

std::vector<std::string> result_flag_names(std::uint32_t flags) {
  static const std::pair<std::uint32_t, const char*> kNames[] = {
      {kClientSupport, "CLIENT_SUPPORT"},       {kAbsent, "ABSENT"},
      {kNotValidMismatch, "NOTVALID_MISMATCH"}, {kNotValidMissing, "NOTVALID_MISSING"},
      {kValidMatched, "VALID_MATCHED"},         {kValidProxy, "VALID_PROXY"},
      {kValidMissing, "VALID_MISSING"}};
  std::vector<std::string> out;
  for (const auto& [bit, name] : kNames) {
    if (flags & bit) out.push_back(std::string("SEC_CHANNEL_BINDINGS_RESULT_") + name);
  }
  return out;
}

std::string level_name(Level level) {
  switch (level) {
    case Level::kNone:
      return "none";
    case Level::kAllowed:
      return "allowed";
    case Level::kRequired:
      return "required";
  }
  return "none";
}

namespace {
// The audit flow of Microsoft's EPA guidance, one sentence per case.
constexpr const char* kMatched =
    "VALID_MATCHED: the channel is bound; the protection works (or would, if EPA is only audited)";
constexpr const char* kProxy =
    "VALID_PROXY: the client bound an outer channel that ends at a TLS-terminating load balancer "
    "(ASC_REQ_PROXY_BINDINGS); the server cannot check it is the same connection; treated like "
    "VALID_MATCHED for audit, with service binding (the target name) as the remaining defence";
constexpr const char* kMismatch =
    "NOTVALID_MISMATCH: client and server both know channel binding but disagree on the channel: "
    "an attack (relay), or a misconfiguration indistinguishable from one such as a "
    "TLS-intercepting proxy (e.g. Fiddler); client and server may also disagree on unique vs "
    "endpoint bindings";
constexpr const char* kMissingSupport =
    "NOTVALID_MISSING with CLIENT_SUPPORT: the client knows channel binding and proves there is no "
    "outer channel: a relay from a non-TLS service, or an unaware application that does TLS but "
    "does not pass the channel to its inner authentication";
constexpr const char* kMissingNoSupport =
    "NOTVALID_MISSING without CLIENT_SUPPORT: a client that cannot do channel binding: third-party "
    "or old software, or a Windows system with the SuppressExtendedProtection registry value set; "
    "ASC_REQ_ALLOW_MISSING_BINDINGS (level Allowed) lets it pass as VALID_MISSING";
constexpr const char* kValidMissingText =
    "VALID_MISSING: accepted only because missing bindings are allowed "
    "(ASC_REQ_ALLOW_MISSING_BINDINGS): the client is not protected; update it to support channel "
    "binding or clear SuppressExtendedProtection";
}  // namespace

LevelOutcome classify(const Evidence& e, Level level, const AuditOptions& options) {
  LevelOutcome out;
  bool enforced = level != Level::kNone;
  auto decide = [&](bool valid) { out.verdict = (valid || !enforced) ? "accepted" : "rejected"; };
  if (options.no_channel && e.binding != Binding::kNotAuthentication) {
    out.verdict = "not-applicable";
    out.explanation =
        "no TLS channel around this authentication: channel binding cannot protect it (SMB relies "
        "on signing; plain HTTP/LDAP should move to TLS)";
    if (e.binding == Binding::kValue || e.binding == Binding::kZero) out.flags = kClientSupport;
    return out;
  }
  switch (e.binding) {
    case Binding::kNotAuthentication:
      out.verdict = "unknown";
      out.explanation = "not an authenticating message: nothing to classify";
      return out;
    case Binding::kOpaque:
      out.verdict = enforced ? "unknown" : "accepted";
      out.explanation =
          "Kerberos: the binding (Bnd) is inside the encrypted authenticator; opaque without the "
          "service key";
      return out;
    case Binding::kValue: {
      std::uint32_t flags = kClientSupport;
      if (options.proxy) {
        out.flags = flags | kValidProxy;
        out.explanation = kProxy;
        decide(true);
      } else if (!options.expected) {
        out.flags = std::nullopt;
        out.verdict = enforced ? "unknown" : "accepted";
        out.explanation =
            "the client sent a channel binding (CLIENT_SUPPORT) but no expected value was given "
            "(--expect-cert / --expect-cbt), so match or mismatch is unknown";
      } else if (std::equal(e.value.begin(), e.value.end(), options.expected->begin(),
                            options.expected->end())) {
        out.flags = flags | kValidMatched;
        out.explanation = kMatched;
        decide(true);
      } else {
        out.flags = flags | kNotValidMismatch;
        out.explanation = kMismatch;
        decide(false);
      }
      return out;
    }
    case Binding::kZero: {
      // EPA guidance: ASC_REQ_ALLOW_MISSING_BINDINGS excuses clients that said nothing; an aware
      // client without SECBUFFER_CHANNEL_BINDINGS sends empty bindings, which stay NOTVALID.
      out.flags = kClientSupport | kAbsent | kNotValidMissing;
      out.explanation = kMissingSupport;
      if (options.proxy) {
        out.explanation = std::string(kMissingSupport) +
                          "; behind a TLS-terminating proxy an aware client must still bind the "
                          "outer channel";
      }
      decide(false);
      return out;
    }
    case Binding::kNone: {
      if (level == Level::kAllowed) {
        out.flags = kAbsent | kValidMissing;
        out.explanation = kValidMissingText;
        decide(true);
      } else {
        out.flags = kAbsent | kNotValidMissing;
        out.explanation = kMissingNoSupport;
        decide(false);
      }
      return out;
    }
  }
  return out;
}

Evidence evidence_of(const ntlm::Message& m) {
  Evidence e;
  if (m.type != 3) return e;
  const ntlm::AvPair* cb =
      m.ntlmv2 ? ntlm::find_av(m.client_av_pairs, ntlm::kAvChannelBindings) : nullptr;
  if (!cb) {
    e.binding = Binding::kNone;
  } else if (std::all_of(cb->value.begin(), cb->value.end(), [](auto b) { return b == 0; })) {
    e.binding = Binding::kZero;
    e.value = cb->value;
  } else {
    e.binding = Binding::kValue;
    e.value = cb->value;
  }
  return e;
}

Evidence evidence_of(const krb5::KerberosDecryption& d) {
  Evidence e;
  if (!d.authenticator_decrypted) {
    e.binding = Binding::kOpaque;
    return e;
  }
  bool aware = d.ap_options && (*d.ap_options & krb5::kKerbApOptionsCbt) != 0;
  if (!d.gss) {
    e.binding = Binding::kNone;
  } else if (std::all_of(d.gss->bnd.begin(), d.gss->bnd.end(), [](auto b) { return b == 0; })) {
    e.binding = aware ? Binding::kZero : Binding::kNone;
    if (aware) e.value = d.gss->bnd;
  } else {
    e.binding = Binding::kValue;
    e.value = d.gss->bnd;
  }
  return e;
}

Json outcome_json(const LevelOutcome& o) {
  Json j = Json::object();
  if (o.flags) {
    j["flags"] = fmt::format("0x{:02x}", *o.flags);
    j["flag_names"] = result_flag_names(*o.flags);
  } else {
    j["flags"] = nullptr;
    j["flag_names"] = Json::array();
  }
  j["verdict"] = o.verdict;
  j["explanation"] = o.explanation;
  return j;
}

std::string binding_name(Binding binding) {
  static const char* const kBinding[] = {"not-applicable", "opaque", "absent", "zero", "present"};
  return kBinding[static_cast<int>(binding)];
}

Json audit_json(const Evidence& e, Level level, const AuditOptions& options) {
  Json j = Json::object();
  j["client_binding"] = binding_name(e.binding);
  j["client_cbt"] = e.value.empty() ? Json(nullptr) : Json(seckit::enc::hex_encode(e.value));
  j["expected_cbt"] =
      options.expected ? Json(seckit::enc::hex_encode(*options.expected)) : Json(nullptr);
  j["proxy"] = options.proxy;
  j["level"] = level_name(level);
  LevelOutcome at = classify(e, level, options);
  Json at_json = outcome_json(at);
  for (auto& [k, v] : at_json.items()) j[k] = v;
  Json levels = Json::object();
  for (Level l : {Level::kNone, Level::kAllowed, Level::kRequired}) {
    levels[level_name(l)] = outcome_json(classify(e, l, options));
  }
  j["levels"] = levels;
  return j;
}

}  // namespace cbaudit
