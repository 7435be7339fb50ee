#include "smb2_stream.hpp"

namespace cbaudit::smb2 {

std::optional<SessionSetup> parse_session_setup(Bytes message) {
  seckit::bytes::Reader r(message);
  Bytes magic = r.bytes(4);
  // 0xFE 'S' 'M' 'B': SMB2; 0xFF 'SMB' (SMB1 negotiate) and the rest are not ours.
  if (!r.ok() || magic[0] != 0xfe || magic[1] != 'S' || magic[2] != 'M' || magic[3] != 'B') {
    return std::nullopt;
  }
  r.skip(4);  // StructureSize (64), CreditCharge
  SessionSetup s;
  s.status = r.le32();
  std::uint16_t command = r.le16();
  r.skip(2);  // CreditRequest/CreditResponse
  std::uint32_t flags = r.le32();
  r.skip(kHeaderSize - 20);  // NextCommand, MessageId, ... Signature
  if (!r.ok() || command != kCommandSessionSetup) return std::nullopt;
  s.response = (flags & kFlagServerToRedir) != 0;
  // Request: StructureSize 25, Flags, SecurityMode, Capabilities, Channel; response:
  // StructureSize 9, SessionFlags. Then SecurityBufferOffset (from the header) and Length.
  r.skip(s.response ? 4 : 12);
  std::uint16_t offset = r.le16();
  std::uint16_t length = r.le16();
  if (!r.ok() || std::size_t{offset} + length > message.size()) return std::nullopt;
  s.security_buffer = message.subspan(offset, length);
  if (!s.response) s.status = 0;
  return s;
}

bool NbssFramer::feed(Bytes data, const std::function<void(Bytes message)>& on_message) {
  if (failed_) return false;
  buffer_.insert(buffer_.end(), data.begin(), data.end());
  std::size_t pos = 0;
  while (buffer_.size() - pos >= 4) {
    seckit::bytes::Reader header(Bytes(buffer_).subspan(pos, 4));
    header.u8();  // zero (Direct TCP) or the NetBIOS session message type
    std::size_t length = header.be24();
    if (length > max_message_) {
      failed_ = true;
      buffer_.clear();
      return false;
    }
    if (buffer_.size() - pos - 4 < length) break;
    on_message(Bytes(buffer_).subspan(pos + 4, length));
    pos += 4 + length;
  }
  buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(pos));
  return true;
}

}  // namespace cbaudit::smb2
