#include "ldap_stream.hpp"

#include "ldap_msg.hpp"

namespace cbaudit::ldap {

bool MessageFramer::feed(seckit::bytes::Bytes data,
                         const std::function<void(seckit::bytes::Bytes message)>& on_message) {
  if (failed_) return false;
  buffer_.insert(buffer_.end(), data.begin(), data.end());
  std::size_t pos = 0;
  while (pos < buffer_.size()) {
    seckit::bytes::Bytes rest = seckit::bytes::Bytes(buffer_).subspan(pos);
    auto size = message_size(rest);
    if (!size) {
      failed_ = true;
      break;
    }
    if (*size == 0) {
      failed_ = rest.size() > max_message_;
      break;
    }
    on_message(rest.first(*size));
    pos += *size;
  }
  if (failed_) {
    buffer_.clear();
    return false;
  }
  buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(pos));
  return true;
}

}  // namespace cbaudit::ldap
