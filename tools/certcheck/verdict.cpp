#include "verdict.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace certcheck {
namespace {

std::string input_label(const InputFacts& in) {
  return in.name == "-" ? std::string("stdin") : in.name;
}

// Why an input gave no certificate, in a few words.
std::string nothing_in(const InputFacts& in) {
  if (in.empty) return fmt::format("{} was empty", input_label(in));
  if (!in.json) return fmt::format("{} held no certificate", input_label(in));
  const StreamFacts& s = in.stream;
  std::string text =
      fmt::format("the JSON stream on {}{} held {} record(s), none a certificate", input_label(in),
                  s.producer.empty() ? "" : " (from " + s.producer + ")", s.records);
  if (s.undecrypted_tls) {
    text += fmt::format(" ({} TLS session(s) not decrypted)", s.undecrypted_tls);
  }
  if (s.encrypted_ike) text += fmt::format(" ({} IKE message(s) not decrypted)", s.encrypted_ike);
  return text;
}

// How to supply certificates, tailored to the tool that wrote the stream.
std::string how_to_supply(const RunTally& tally) {
  bool vpn = false;
  bool ike = false;
  for (const auto& in : tally.inputs) {
    vpn = vpn || in.stream.producer == "sslvpn-trace";
    ike = ike || in.stream.producer == "ikedecode";
  }
  if (vpn) {
    return "a TLS 1.3 server sends its chain encrypted: give sslvpn-trace --keylog FILE (the "
           "client's SSLKEYLOGFILE), or check the gateway's certificate file";
  }
  if (ike) {
    return "IKEv2 sends certificates inside the encrypted IKE_AUTH exchange: give ikedecode "
           "--keys FILE (decryption table or charon log), or check the certificate files";
  }
  return "give certificate files (PEM, DER, PKCS#7, PKCS#12), a directory with -r, --connect "
         "HOST:PORT, or pipe the --json output of ikedecode or sslvpn-trace";
}

std::string cut_short_message(const InputFacts& in) {
  const StreamFacts& s = in.stream;
  std::string where = s.cut_line ? fmt::format("its line {} is cut off", *s.cut_line)
                                 : std::string("it ends without its summary record");
  return fmt::format(
      "the JSON stream on {}{} was cut short ({}): certificates after the cut were not seen; "
      "rerun the producer to completion",
      input_label(in), s.producer.empty() ? "" : " (from " + s.producer + ")", where);
}

}  // namespace

StreamFacts inspect_json_stream(std::string_view text) {
  StreamFacts facts;
  std::size_t pos = 0;
  std::size_t line_no = 0;
  facts.complete_bytes = text.size();
  while (pos < text.size()) {
    ++line_no;
    std::size_t end = text.find('\n', pos);
    bool terminated = end != std::string_view::npos;
    std::string_view line = text.substr(pos, terminated ? end - pos : std::string_view::npos);
    std::size_t next = terminated ? end + 1 : text.size();
    if (line.find_first_not_of(" \t\r") != std::string_view::npos) {
      Json record = Json::parse(line, nullptr, false);
      if (record.is_discarded() || !record.is_object()) {
        if (!terminated) {  // the producer died mid-line: keep what came before
          facts.cut_line = line_no;
          facts.complete_bytes = pos;
        }
        return facts;  // a broken line elsewhere is the loader's input error
      }
      ++facts.records;
      std::string type = record.value("type", "");
      const Json& data =
          record.contains("data") && record["data"].is_object() ? record["data"] : Json::object();
      if (type == "begin") {
        facts.has_begin = true;
        facts.producer = data.value("tool", "");
      } else if (type == "summary") {
        facts.has_summary = true;
      } else if (type == "certificate") {
        ++facts.certificate_records;
      } else if (type == "tls_session" && data.value("decrypted", true) == false) {
        ++facts.undecrypted_tls;
      } else if (type == "ike_message" && data.contains("encrypted") &&
                 data["encrypted"].is_object() && !data["encrypted"].value("decrypted", false)) {
        ++facts.encrypted_ike;
      }
    }
    pos = next;
  }
  return facts;
}

std::vector<UnusedOption> unused_options(const RunTally& tally, const CheckOptions& o) {
  std::vector<UnusedOption> unused;
  for (const Profile* p : o.profiles) {
    auto it = tally.profile_uses.find(p->name);
    if (it == tally.profile_uses.end() || it->second == 0) {
      unused.push_back({"--profile", std::string(p->name)});
    }
  }
  if (tally.leaves_checked == 0) {
    if (!o.host.empty()) unused.push_back({"--host", o.host});
    if (!o.ip.empty()) unused.push_back({"--ip", o.ip});
    for (const auto& oid : o.require_ekus) unused.push_back({"--require-eku", oid});
  }
  if (!o.key_file.empty() && !tally.key_checked) unused.push_back({"--key", o.key_file});
  return unused;
}

Finding unused_option_finding(const UnusedOption& unused, const RunTally& tally) {
  Finding f;
  f.code = "option-unused";
  f.severity = Severity::kWarning;
  std::string why = tally.read == 0 ? std::string("no certificate was read")
                    : tally.checked == 0
                        ? fmt::format("all {} certificate(s) were outside its role", tally.read)
                        : fmt::format("none of the {} end-entity certificate(s) checked matched it",
                                      tally.leaves_checked);
  if (unused.option == "--profile" && tally.read > 0 && tally.checked > 0) {
    why = "no certificate of its role (sender) was in the input";
  }
  f.message =
      fmt::format("{} {} was applied to no certificate: {}", unused.option, unused.value, why);
  f.details = Json{{"option", unused.option}, {"value", unused.value}};
  return f;
}

seckit::out::Conclusion decide(const RunTally& tally, const CheckOptions& o) {
  seckit::out::Conclusion c;
  if (tally.errors > 0) c.fail();
  auto cut_short = [&] {
    for (const auto& in : tally.inputs) {
      if (in.json && in.stream.cut_short()) {
        c.inconclusive("input-cut-short", cut_short_message(in));
      }
    }
  };
  if (tally.read == 0) {
    std::vector<std::string> why;
    for (const auto& in : tally.inputs) why.push_back(nothing_in(in));
    // Each named input without a certificate was one `skipped`; the rest came from directories.
    std::size_t from_dirs =
        tally.files_skipped - std::min(tally.files_skipped, tally.inputs.size());
    if (from_dirs) why.push_back(fmt::format("{} file(s) in directories skipped", from_dirs));
    if (why.empty()) why.emplace_back("no input held one");
    c.inconclusive("no-certificates", fmt::format("0 certificates read: {}; {}",
                                                  fmt::join(why, "; "), how_to_supply(tally)));
    cut_short();
    return c;
  }
  cut_short();
  if (tally.checked == 0) {
    c.inconclusive("no-certificate-in-role",
                   fmt::format("0 of {} certificate(s) checked: {}", tally.read,
                               fmt::join(tally.skip_reasons, "; ")));
    return c;
  }
  bool leaf_checks = o.leaf_checks_requested() || !o.key_file.empty();
  if (leaf_checks && tally.leaves_checked == 0) {
    c.inconclusive("no-end-entity",
                   fmt::format("0 end-entity certificates checked ({} issuer(s) only): the "
                               "profile, name and EKU checks need the certificate a peer "
                               "presents; give it (first in a bundle) or use --role",
                               tally.checked));
  }
  if (tally.ocsp_inconclusive > 0) {
    c.inconclusive("ocsp-no-evidence",
                   fmt::format("{} certificate(s) without OCSP evidence; the first: {}",
                               tally.ocsp_inconclusive, tally.ocsp_first_reason));
  }
  for (const Profile* p : o.profiles) {
    auto it = tally.profile_uses.find(p->name);
    if ((it == tally.profile_uses.end() || it->second == 0) && tally.leaves_checked > 0) {
      c.inconclusive("profile-unused",
                     fmt::format("profile {} was applied to no certificate: the input held no {} "
                                 "end-entity certificate ({} skipped); --role any applies it to "
                                 "every one",
                                 p->name,
                                 p->side == Side::kServer   ? "responder/server"
                                 : p->side == Side::kClient ? "initiator/client"
                                                            : "",
                                 tally.skipped));
    }
  }
  return c;
}

}  // namespace certcheck
