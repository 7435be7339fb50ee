#include "seckit/random.hpp"

#include <sys/random.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "seckit/error.hpp"

namespace seckit::random {

std::vector<std::uint8_t> system_random_bytes(std::size_t n) {
  std::vector<std::uint8_t> out(n);
  std::size_t filled = 0;
  while (filled < n) {
    // Requests above 256 bytes may return short (and reads from the urandom source can be
    // interrupted by a signal); both only mean "ask again for the rest".
    const ssize_t got = getrandom(out.data() + filled, n - filled, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      throw environment_error("getrandom", std::strerror(errno),
                              "the kernel's random source is unavailable");
    }
    filled += static_cast<std::size_t>(got);
  }
  return out;
}

}  // namespace seckit::random
