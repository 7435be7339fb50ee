// The one verification policy: the chain the server sent, checked after the handshake against
// the trust (system store or --ca-file) for purpose sslserver at the default security level,
// then the leaf against the name. Two separate answers, so a report can say which one failed.
#include "verify.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "seckit/crypto.hpp"
#include "seckit/error.hpp"

namespace seckit::tlsclient::detail {
namespace {

using StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, crypto::Deleter<X509_STORE_CTX_free>>;

bool is_ip(const std::string& name) {
  in6_addr address{};
  return ::inet_pton(AF_INET, name.c_str(), &address) == 1 ||
         ::inet_pton(AF_INET6, name.c_str(), &address) == 1;
}

std::string subject_of(X509* cert) {
  if (cert == nullptr) return {};
  char text[512] = {0};
  X509_NAME_oneline(X509_get_subject_name(cert), text, sizeof text);
  return text;
}

}  // namespace

StorePtr load_trust(const ConnectSpec& spec) {
  StorePtr store(X509_STORE_new());
  if (!store) crypto::throw_openssl("X509_STORE_new");
  if (spec.ca_file.empty()) {
    X509_STORE_set_default_paths(store.get());
    ERR_clear_error();  // a missing default directory is no error: the store is just smaller
    return store;
  }
  if (X509_STORE_load_file(store.get(), spec.ca_file.c_str()) != 1) {
    std::string why = crypto::openssl_errors();
    throw input_error(spec.ca_file, "cannot load CA certificates" + (why.empty() ? "" : ": " + why),
                      "a PEM file of CA certificates");
  }
  return store;
}

std::string trust_description(const ConnectSpec& spec) {
  return spec.ca_file.empty() ? "system trust store" : "CA file " + spec.ca_file;
}

Verification verify_peer(SSL* ssl, X509_STORE* store, const std::string& name, int auth_level,
                         std::string trust) {
  Verification v;
  v.checked = true;
  v.trust = std::move(trust);
  v.name = name;
  X509* leaf = SSL_get0_peer_certificate(ssl);
  if (leaf == nullptr) {
    v.error = "the server sent no certificate";
    return v;
  }
  StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!ctx || X509_STORE_CTX_init(ctx.get(), store, leaf, SSL_get_peer_cert_chain(ssl)) != 1) {
    crypto::throw_openssl("X509_STORE_CTX_init");
  }
  X509_STORE_CTX_set_default(ctx.get(), "ssl_server");
  X509_VERIFY_PARAM_set_auth_level(X509_STORE_CTX_get0_param(ctx.get()), auth_level);
  v.chain_trusted = X509_verify_cert(ctx.get()) == 1;
  if (!v.chain_trusted) {
    v.error = X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx.get()));
    v.error_depth = X509_STORE_CTX_get_error_depth(ctx.get());
    v.error_subject = subject_of(X509_STORE_CTX_get_current_cert(ctx.get()));
  }
  ERR_clear_error();
  v.name_matched = is_ip(name) ? X509_check_ip_asc(leaf, name.c_str(), 0) == 1
                               : X509_check_host(leaf, name.data(), name.size(), 0, nullptr) == 1;
  if (v.chain_trusted && !v.name_matched) {
    v.error = X509_verify_cert_error_string(is_ip(name) ? X509_V_ERR_IP_ADDRESS_MISMATCH
                                                        : X509_V_ERR_HOSTNAME_MISMATCH);
    v.error_depth = 0;
    v.error_subject = subject_of(leaf);
  }
  v.verified = v.chain_trusted && v.name_matched;
  return v;
}

}  // namespace seckit::tlsclient::detail
