// `certcheck --crl FILE` contents: any bytes must give CRLs or an input_error (exit 2), never a
// crash; every CRL loaded is described the way findings describe it.
#include <cstdint>
#include <cstdlib>

#include "certcheck.hpp"

extern "C" int LLVMFuzzerTestOneInput(  // NOLINT(readability-identifier-naming)
    const std::uint8_t* data, std::size_t size) {
  try {
    auto crls = certcheck::parse_crls("fuzz", seckit::bytes::Bytes(data, size));
    if (crls.empty()) std::abort();  // success means at least one CRL
    for (const auto& crl : crls) {
      auto d = certcheck::describe_crl(crl.get());
      if (!d.contains("issuer")) std::abort();
    }
  } catch (const seckit::ToolError& e) {
    if (e.code() != seckit::kExitUsage) std::abort();
  }
  return 0;
}
