// Random bytes straight from the kernel's CSPRNG (getrandom(2)), for tools that must not load
// libcrypto only to draw a secret (otpgen enroll; see seckit/digest.hpp for why). Tools already
// linked with OpenSSL keep crypto::random_bytes (RAND_bytes).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace seckit::random {

// n bytes from getrandom(2) with flags 0: blocks until the kernel's pool is initialised (early
// boot only), retries on EINTR and on short reads. Throws ToolError (environment, exit 3) when
// the kernel refuses (ENOSYS, EFAULT...).
std::vector<std::uint8_t> system_random_bytes(std::size_t n);

}  // namespace seckit::random
