#include <cstdlib>
#include <string_view>

#include "ga_buffer.hpp"
#include "ga_file.hpp"
#include "pam_rules.hpp"

// Parsing never crashes; whatever parses renders to a file that parses again to the same state;
// and a login on the raw bytes (the module's rules as otpgen verify --ga-file applies them, which
// rewrite the file in place) never crashes either, with a 6-digit code, a scratch-code form and
// the input's own first bytes as the code.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = otpgen::parse_ga_file(text);
  if (parsed) {
    auto rendered = otpgen::render_ga_file(parsed->file);
    auto again = otpgen::parse_ga_file(rendered);
    if (!again || again->file.secret != parsed->file.secret ||
        again->file.scratch_codes != parsed->file.scratch_codes) {
      std::abort();
    }
  }
  otpgen::GaBuffer buffer{std::string(text)};
  auto secret = otpgen::module_secret(buffer);
  if (!secret) return 0;
  const otpgen::PamOptions options;
  for (std::string_view code : {std::string_view("123456"), std::string_view("12345678"),
                                text.substr(0, std::min<std::size_t>(text.size(), 8))}) {
    (void)otpgen::module_login(buffer, *secret, code, 1700000000, options);
  }
  return 0;
}
