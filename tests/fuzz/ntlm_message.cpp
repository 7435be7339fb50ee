// NTLM messages (and the audit of whatever parses) on arbitrary bytes: a result or a ParseError,
// never a crash.
#include <cstdint>

#include "audit.hpp"
#include "ntlm.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto m = cbaudit::ntlm::parse({data, size});
  if (m) {
    (void)cbaudit::ntlm::describe(*m).dump();
    (void)cbaudit::audit_json(cbaudit::evidence_of(*m), cbaudit::Level::kRequired, {});
  }
  return 0;
}
