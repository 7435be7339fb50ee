// SMB2 over TCP (MS-SMB2 2.1: a 4-byte Direct TCP / NetBIOS session header — a zero byte and a
// 24-bit big-endian length — before each SMB2 message) and the one command cbaudit reads from it:
// SESSION_SETUP (MS-SMB2 2.2.5 / 2.2.6), whose security buffer carries the SPNEGO/NTLM token.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "seckit/bytes.hpp"

namespace cbaudit::smb2 {

using seckit::bytes::Bytes;

inline constexpr std::uint16_t kCommandSessionSetup = 0x0001;
inline constexpr std::uint32_t kFlagServerToRedir = 0x00000001;  // the message is a response
inline constexpr std::uint32_t kStatusMoreProcessingRequired = 0xc0000016;
inline constexpr std::size_t kHeaderSize = 64;

struct SessionSetup {
  bool response = false;
  std::uint32_t status = 0;  // NTSTATUS of a response (0 in requests)
  Bytes security_buffer;     // view into the message given to parse_session_setup
};

// The SESSION_SETUP request or response in one SMB2 message (header included); nullopt for any
// other command, SMB1, or a message too short or whose buffer lies outside it.
std::optional<SessionSetup> parse_session_setup(Bytes message);

// Cuts a TCP byte stream into the messages of its Direct TCP headers. Bytes are consumed as
// they are framed, so the buffer holds at most one incomplete message; a declared length over
// `max_message` (a desynchronised or non-SMB stream) stops the framer for good.
class NbssFramer {
 public:
  explicit NbssFramer(std::size_t max_message = 1u << 24) : max_message_(max_message) {}
  // Calls on_message for every complete message; false once the stream is abandoned.
  bool feed(Bytes data, const std::function<void(Bytes message)>& on_message);
  void fail() { failed_ = true; }  // a TCP gap: the framing is lost
  bool failed() const { return failed_; }

 private:
  std::vector<std::uint8_t> buffer_;
  std::size_t max_message_;
  bool failed_ = false;
};

}  // namespace cbaudit::smb2
