// `otpgen code --secret-file FILE`, the call scripts loop, answered without building CLI11's
// option tree or the emitter (issue 18: they were two thirds of the call's instructions).
#pragma once

#include <optional>

namespace otpgen {

// The exit status when argv is exactly `code --secret-file FILE` (or `--secret-file=FILE`) and
// FILE holds a plain secret (plain_secret_account); nullopt for every other call and for any
// file that needs a warning or an error, which the full command then reads and reports itself.
// The code printed is the one run_code prints for the same call.
std::optional<int> fast_code(int argc, char** argv);

}  // namespace otpgen
