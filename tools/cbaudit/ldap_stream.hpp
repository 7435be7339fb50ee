// LDAP over TCP: the stream is a sequence of BER LDAPMessages (RFC 4511 5.1) with no other
// framing; each message's length comes from its outer SEQUENCE (ldap::message_size).
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "seckit/bytes.hpp"

namespace cbaudit::ldap {

// Cuts a TCP byte stream into LDAPMessages. Bytes are consumed as they are framed, so the buffer
// holds at most one incomplete message; bytes that cannot start an LDAPMessage, or an incomplete
// message over `max_message`, stop the framer for good (a desynchronised or non-LDAP stream).
class MessageFramer {
 public:
  explicit MessageFramer(std::size_t max_message = 4u << 20) : max_message_(max_message) {}
  // Calls on_message for every complete message; false once the stream is abandoned.
  bool feed(seckit::bytes::Bytes data,
            const std::function<void(seckit::bytes::Bytes message)>& on_message);
  void fail() { failed_ = true; }  // a TCP gap: the framing is lost
  bool failed() const { return failed_; }

 private:
  std::vector<std::uint8_t> buffer_;
  std::size_t max_message_;
  bool failed_ = false;
};

}  // namespace cbaudit::ldap
