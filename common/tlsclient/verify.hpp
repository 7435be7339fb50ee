// Internal to common/tlsclient: the trust store and the post-handshake verification.
#pragma once

#include <openssl/ssl.h>

#include <memory>
#include <string>

#include "seckit/crypto.hpp"
#include "seckit/tlsclient.hpp"

namespace seckit::tlsclient::detail {

using StorePtr = std::unique_ptr<X509_STORE, crypto::Deleter<X509_STORE_free>>;

// The system store, or --ca-file (input_error, exit 2, when it cannot be read).
StorePtr load_trust(const ConnectSpec& spec);
std::string trust_description(const ConnectSpec& spec);

// The peer chain of a finished handshake against `store` (purpose sslserver, auth_level) and
// the leaf against `name` (a DNS name, or an IP literal checked as an iPAddress).
Verification verify_peer(SSL* ssl, X509_STORE* store, const std::string& name, int auth_level,
                         std::string trust);

}  // namespace seckit::tlsclient::detail
