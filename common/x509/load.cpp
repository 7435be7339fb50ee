// Container detection and loading. The sniffing and the splitting of concatenated DER and JSON
// Lines happen here through bytes::Reader; the ASN.1 inside each certificate is OpenSSL's job.
#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/pkcs7.h>
#include <openssl/provider.h>

#include <algorithm>
#include <cstring>
#include <memory>

#include "seckit/bytes.hpp"
#include "seckit/enc.hpp"
#include "seckit/error.hpp"
#include "seckit/x509.hpp"

namespace seckit::x509 {
namespace {

using Json = out::Json;
using Pkcs7Ptr = std::unique_ptr<PKCS7, crypto::Deleter<PKCS7_free>>;
using Pkcs12Ptr = std::unique_ptr<PKCS12, crypto::Deleter<PKCS12_free>>;

std::string_view as_text(Bytes data) {
  return {reinterpret_cast<const char*>(data.data()), data.size()};
}

// Reads a DER TLV header; returns the total encoded length (header + content), or 0 when the
// header is not a definite-length SEQUENCE that fits in the data.
std::size_t der_sequence_length(Bytes data) {
  bytes::Reader r(data);
  if (r.u8() != 0x30) return 0;
  std::uint8_t first = r.u8();
  std::size_t length = 0;
  if (first < 0x80) {
    length = first;
  } else {
    std::size_t count = first & 0x7F;
    if (count == 0 || count > 4) return 0;  // indefinite or absurd
    for (std::size_t i = 0; i < count; ++i) length = (length << 8) | r.u8();
  }
  if (!r.ok() || length > r.remaining()) return 0;
  return r.position() + length;
}

bool looks_like_json(Bytes data) {
  bytes::Reader r(data);
  while (!r.empty()) {
    std::uint8_t c = r.u8();
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    return c == '{';
  }
  return false;
}

bool contains_pem(Bytes data) {
  return as_text(data).find("-----BEGIN ") != std::string_view::npos;
}

std::string openssl_reason() {
  std::string why = crypto::openssl_errors();
  return why.empty() ? std::string("malformed") : why;
}

Json file_source(const LoadOptions& options, Format format, std::size_t index) {
  return Json{{"file", options.origin}, {"format", format_name(format)}, {"index", index}};
}

Result<Loaded> load_pem(Bytes data, const LoadOptions& options) {
  Loaded loaded;
  loaded.format = Format::kPem;
  crypto::BioPtr bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
  std::size_t block = 0;
  for (;; ++block) {
    char* name = nullptr;
    char* header = nullptr;
    unsigned char* body = nullptr;
    long length = 0;
    ERR_clear_error();
    if (PEM_read_bio(bio.get(), &name, &header, &body, &length) != 1) {
      unsigned long err = ERR_peek_last_error();
      ERR_clear_error();
      if (ERR_GET_REASON(err) == PEM_R_NO_START_LINE) break;  // clean end of input
      return parse_error(
          fmt::format("PEM block {}: truncated or malformed ({})", block + 1,
                      ERR_reason_error_string(err) ? ERR_reason_error_string(err) : "unknown"));
    }
    std::string block_name(name);
    Bytes content(body, static_cast<std::size_t>(length));
    Buffer copy(content.begin(), content.end());
    OPENSSL_free(name);
    OPENSSL_free(header);
    OPENSSL_free(body);
    if (block_name == "CERTIFICATE" || block_name == "X509 CERTIFICATE" ||
        block_name == "TRUSTED CERTIFICATE") {
      // TRUSTED CERTIFICATE carries trust settings after the certificate: take the first TLV.
      std::size_t n = der_sequence_length(copy);
      if (n == 0 || (block_name != "TRUSTED CERTIFICATE" && n != copy.size())) {
        return parse_error(fmt::format("PEM block {}: certificate DER is truncated", block + 1));
      }
      auto cert = from_der(Bytes(copy).first(n),
                           file_source(options, Format::kPem, loaded.certificates.size()));
      if (!cert)
        return parse_error(fmt::format("PEM block {}: {}", block + 1, cert.error().message));
      loaded.certificates.push_back(std::move(*cert));
    } else if (block_name == "PKCS7") {
      auto inner = load(copy, LoadOptions{options.origin, options.password});
      if (!inner)
        return parse_error(fmt::format("PEM block {}: {}", block + 1, inner.error().message));
      for (auto& cert : inner->certificates) {
        cert.source["index"] = loaded.certificates.size();
        loaded.certificates.push_back(std::move(cert));
      }
    } else {
      loaded.notes.push_back(fmt::format("PEM block {} ({}) ignored", block + 1, block_name));
    }
  }
  return loaded;
}

Result<Loaded> load_pkcs7(Bytes data, const LoadOptions& options) {
  const unsigned char* p = data.data();
  Pkcs7Ptr p7(d2i_PKCS7(nullptr, &p, static_cast<long>(data.size())));
  if (!p7) return parse_error("PKCS#7: " + openssl_reason());
  STACK_OF(X509)* certs = nullptr;
  int type = OBJ_obj2nid(p7->type);
  if (type == NID_pkcs7_signed && p7->d.sign != nullptr) {
    certs = p7->d.sign->cert;
  } else if (type == NID_pkcs7_signedAndEnveloped && p7->d.signed_and_enveloped != nullptr) {
    certs = p7->d.signed_and_enveloped->cert;
  } else {
    return parse_error("PKCS#7: not a signed-data bundle (no certificates)");
  }
  Loaded loaded;
  loaded.format = Format::kPkcs7;
  for (int i = 0; certs && i < sk_X509_num(certs); ++i) {
    X509* x = sk_X509_value(certs, i);
    unsigned char* der = nullptr;
    int len = i2d_X509(x, &der);
    if (len <= 0) return parse_error("PKCS#7: cannot re-encode certificate");
    Buffer buf(der, der + len);
    OPENSSL_free(der);
    auto cert = from_der(buf, file_source(options, Format::kPkcs7, loaded.certificates.size()));
    if (!cert) return cert.error();
    loaded.certificates.push_back(std::move(*cert));
  }
  return loaded;
}

// Old Windows and Java exports (and `openssl pkcs12 -export -legacy`) encrypt the certificate bag
// with RC2-40, which OpenSSL 3 keeps in its legacy provider. It is loaded the first time such a
// file comes along, once per process, next to the default provider (loading one provider
// explicitly would otherwise stop the default one from loading itself).
struct ProviderUnload {
  void operator()(OSSL_PROVIDER* provider) const { OSSL_PROVIDER_unload(provider); }
};
using ProviderPtr = std::unique_ptr<OSSL_PROVIDER, ProviderUnload>;

bool load_legacy_provider() {
  // Unloaded at exit, before OpenSSL's own cleanup (registered earlier, so run later).
  static const ProviderPtr default_provider(OSSL_PROVIDER_load(nullptr, "default"));
  static const ProviderPtr legacy_provider(OSSL_PROVIDER_load(nullptr, "legacy"));
  ERR_clear_error();
  return default_provider && legacy_provider;
}

// PKCS12_parse, again with the legacy provider when the first attempt met an algorithm the
// loaded providers lack (ERR_R_UNSUPPORTED from a fetch). Throws an environment error (exit 3)
// when that provider is not installed.
bool parse_pkcs12(PKCS12* p12, const char* password, EVP_PKEY** key, X509** leaf,
                  STACK_OF(X509) * *ca) {
  if (PKCS12_parse(p12, password, key, leaf, ca) == 1) return true;
  if (ERR_GET_REASON(ERR_peek_last_error()) != ERR_R_UNSUPPORTED) return false;
  if (!load_legacy_provider()) {
    throw environment_error("PKCS#12",
                            "encrypted with a legacy algorithm (RC2/DES) and the OpenSSL legacy "
                            "provider cannot be loaded",
                            "install the package with ossl-modules/legacy.so (Debian 12: libssl3)");
  }
  ERR_clear_error();
  return PKCS12_parse(p12, password, key, leaf, ca) == 1;
}

Result<Loaded> load_pkcs12(Bytes data, const LoadOptions& options) {
  const unsigned char* p = data.data();
  Pkcs12Ptr p12(d2i_PKCS12(nullptr, &p, static_cast<long>(data.size())));
  if (!p12) return parse_error("PKCS#12: " + openssl_reason());
  const char* password = options.password ? options.password->c_str() : "";
  if (!PKCS12_verify_mac(p12.get(), password, -1) &&
      !(options.password == std::nullopt && PKCS12_verify_mac(p12.get(), nullptr, 0))) {
    ERR_clear_error();
    return parse_error(options.password ? "PKCS#12: wrong password (MAC verification failed)"
                                        : "PKCS#12: password required (use --password-file)");
  }
  EVP_PKEY* key = nullptr;
  X509* leaf = nullptr;
  STACK_OF(X509)* ca = nullptr;
  if (!parse_pkcs12(p12.get(), password, &key, &leaf, &ca)) {
    return parse_error("PKCS#12: " + openssl_reason());
  }
  crypto::EvpPkeyPtr key_owner(key);
  crypto::X509Ptr leaf_owner(leaf);
  std::vector<X509*> all;
  if (leaf) all.push_back(leaf);
  for (int i = 0; ca && i < sk_X509_num(ca); ++i) all.push_back(sk_X509_value(ca, i));
  Loaded loaded;
  loaded.format = Format::kPkcs12;
  Result<Loaded> result = std::move(loaded);
  for (X509* x : all) {
    unsigned char* der = nullptr;
    int len = i2d_X509(x, &der);
    if (len <= 0) continue;
    Buffer buf(der, der + len);
    OPENSSL_free(der);
    auto cert = from_der(buf, file_source(options, Format::kPkcs12, result->certificates.size()));
    if (cert) {
      if (key && x == leaf) cert->source["has_private_key"] = true;
      result->certificates.push_back(std::move(*cert));
    }
  }
  sk_X509_pop_free(ca, X509_free);
  if (key) result->notes.push_back("PKCS#12 private key present (not shown)");
  return result;
}

Result<Loaded> load_der(Bytes data, const LoadOptions& options) {
  // One certificate, or several concatenated (some tools write .cer bundles that way).
  Loaded loaded;
  loaded.format = Format::kDer;
  bytes::Reader r(data);
  while (!r.empty()) {
    std::size_t n = der_sequence_length(r.peek(r.remaining()));
    if (n == 0) {
      return parse_error(fmt::format("DER: truncated or malformed at byte {}", r.position()));
    }
    auto cert =
        from_der(r.bytes(n), file_source(options, Format::kDer, loaded.certificates.size()));
    if (!cert) return cert.error();
    loaded.certificates.push_back(std::move(*cert));
  }
  return loaded;
}

Result<Loaded> load_json(Bytes data, const LoadOptions& options) {
  Loaded loaded;
  loaded.format = Format::kJsonRecords;
  bytes::Reader r(data);
  std::size_t line_no = 0;
  while (!r.empty()) {
    ++line_no;
    Bytes rest = r.peek(r.remaining());
    auto end = std::find(rest.begin(), rest.end(), std::uint8_t{'\n'});
    std::size_t len = static_cast<std::size_t>(end - rest.begin());
    std::string_view line = as_text(r.bytes(len));
    r.skip(1);  // the newline (fails harmlessly at the end)
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    Json record = Json::parse(line, nullptr, false);
    if (record.is_discarded() || !record.is_object()) {
      return parse_error(fmt::format("line {}: not a JSON object", line_no));
    }
    auto type = record.find("type");
    if (type == record.end() || !type->is_string() || *type != "certificate") continue;
    auto payload = record.find("data");
    if (payload == record.end() || !payload->is_object() || !payload->contains("der") ||
        !(*payload)["der"].is_string()) {
      return parse_error(fmt::format("line {}: certificate record without data.der", line_no));
    }
    auto der = enc::base64_decode((*payload)["der"].get<std::string>());
    if (!der)
      return parse_error(fmt::format("line {}: data.der: {}", line_no, der.error().message));
    Json source = Json{{"input", options.origin}, {"line", line_no}};
    if (payload->contains("source") && (*payload)["source"].is_object()) {
      source = (*payload)["source"];
    }
    auto cert = from_der(*der, std::move(source));
    if (!cert) return parse_error(fmt::format("line {}: {}", line_no, cert.error().message));
    loaded.certificates.push_back(std::move(*cert));
  }
  return loaded;
}

}  // namespace

std::string_view format_name(Format format) {
  switch (format) {
    case Format::kPem:
      return "pem";
    case Format::kDer:
      return "der";
    case Format::kPkcs12:
      return "pkcs12";
    case Format::kPkcs7:
      return "pkcs7";
    case Format::kJsonRecords:
      return "json";
    case Format::kUnknown:
      return "unknown";
  }
  return "unknown";
}

Format detect_format(Bytes data) {
  if (data.empty()) return Format::kUnknown;
  if (looks_like_json(data)) return Format::kJsonRecords;
  if (contains_pem(data)) return Format::kPem;
  if (der_sequence_length(data) == 0) return Format::kUnknown;
  // A DER SEQUENCE: certificate, PKCS#7 ContentInfo or PKCS#12 PFX. Ask OpenSSL which one
  // decodes; each decoder is length-bounded by the span.
  const unsigned char* p = data.data();
  if (crypto::X509Ptr x(d2i_X509(nullptr, &p, static_cast<long>(data.size()))); x) {
    return Format::kDer;
  }
  p = data.data();
  if (Pkcs7Ptr p7(d2i_PKCS7(nullptr, &p, static_cast<long>(data.size()))); p7) {
    return Format::kPkcs7;
  }
  p = data.data();
  if (Pkcs12Ptr p12(d2i_PKCS12(nullptr, &p, static_cast<long>(data.size()))); p12) {
    return Format::kPkcs12;
  }
  ERR_clear_error();
  // Starts like DER but none decodes: a damaged certificate is more useful as an error than
  // as "not a certificate", so call it DER and let the loader say what is wrong.
  return Format::kDer;
}

Result<Certificate> from_der(Bytes der, out::Json source) {
  const unsigned char* p = der.data();
  crypto::X509Ptr x(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!x) return parse_error("certificate DER: " + openssl_reason());
  if (p != der.data() + der.size()) return parse_error("certificate DER: trailing bytes");
  Certificate cert;
  cert.x509 = std::move(x);
  cert.der.assign(der.begin(), der.end());
  cert.source = std::move(source);
  return cert;
}

Result<Loaded> load(Bytes data, const LoadOptions& options) {
  ERR_clear_error();
  Result<Loaded> result = parse_error("not a certificate (no PEM, DER, PKCS#7, PKCS#12 or JSON)");
  switch (detect_format(data)) {
    case Format::kPem:
      result = load_pem(data, options);
      break;
    case Format::kDer:
      result = load_der(data, options);
      break;
    case Format::kPkcs7:
      result = load_pkcs7(data, options);
      break;
    case Format::kPkcs12:
      result = load_pkcs12(data, options);
      break;
    case Format::kJsonRecords:
      result = load_json(data, options);
      break;
    case Format::kUnknown:
      break;
  }
  ERR_clear_error();
  return result;
}

}  // namespace seckit::x509
