#include <cstdlib>
#include <string_view>

#include "ga_file.hpp"
#include "ga_verify.hpp"

// Parsing never crashes; whatever parses renders to a file that parses again to the same state,
// and a verification on it (the state machine the PAM rules drive) never crashes either.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = otpgen::parse_ga_file(text);
  if (!parsed) return 0;
  auto rendered = otpgen::render_ga_file(parsed->file);
  auto again = otpgen::parse_ga_file(rendered);
  if (!again || again->file.secret != parsed->file.secret ||
      again->file.scratch_codes != parsed->file.scratch_codes) {
    std::abort();
  }
  otpgen::GaFile file = parsed->file;
  (void)otpgen::verify_ga(file, "123456", 1700000000);
  (void)otpgen::verify_ga(file, text.size() >= 8 ? text.substr(0, 8) : text, 1700000000);
  (void)otpgen::render_ga_file(file);
  return 0;
}
