#include "fast_code.hpp"

#include <cstdio>
#include <ctime>
#include <string>
#include <string_view>

#include "commands.hpp"
#include "otp.hpp"
#include "seckit/error.hpp"
#include "seckit/fs.hpp"

namespace otpgen {
namespace {

// FILE of `code --secret-file FILE` / `code --secret-file=FILE`, else empty. A value that looks
// like an option is left to CLI11, which has its own rules for it.
std::string secret_file_argument(int argc, char** argv) {
  if (argc < 3 || std::string_view(argv[1]) != "code") return {};
  constexpr std::string_view kJoined = "--secret-file=";
  std::string_view value;
  if (argc == 4 && std::string_view(argv[2]) == "--secret-file") {
    value = argv[3];
  } else if (argc == 3 && std::string_view(argv[2]).starts_with(kJoined)) {
    value = std::string_view(argv[2]).substr(kJoined.size());
  }
  if (value.empty() || value.front() == '-') return {};
  return std::string(value);
}

}  // namespace

std::optional<int> fast_code(int argc, char** argv) {
  const std::string path = secret_file_argument(argc, argv);
  if (path.empty()) return std::nullopt;
  std::optional<OtpAccount> account;
  try {
    account = plain_secret_account(seckit::fs::read_secret_file(path));
  } catch (const std::exception&) {
    return std::nullopt;  // the full command reads it again and says what is wrong
  }
  if (!account) return std::nullopt;
  const auto now = static_cast<std::int64_t>(std::time(nullptr));
  const std::string code =
      hotp(account->algorithm, account->secret, time_step(now, account->period), account->digits);
  std::printf("%s\n", code.c_str());
  return seckit::finish_stdout("otpgen", seckit::kExitOk);
}

}  // namespace otpgen
