// ToolError: the exception that reaches a tool's boundary and becomes one stderr line and an
// exit status. Library code throws it for whole-operation failures (unreadable file, LDAP down);
// per-record problems inside a capture are records (`anomaly`), not exceptions.
#pragma once

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>

namespace seckit {

// Exit statuses shared by every tool (like grep and diff). Documented in seckit(7).
enum ExitCode : int {
  kExitOk = 0,            // success, every check passed
  kExitFindings = 1,      // the check found problems
  kExitUsage = 2,         // usage or input error: bad flag, unreadable or malformed input
  kExitEnvironment = 3,   // environment error: service unreachable, permission denied
  kExitInconclusive = 4,  // the check asked for could not be made on the evidence given
  kExitInterrupted = 130  // SIGINT
};

class ToolError : public std::runtime_error {
 public:
  ToolError(ExitCode code, std::string context, const std::string& what, std::string hint = {})
      : std::runtime_error(what),
        code_(code),
        context_(std::move(context)),
        hint_(std::move(hint)) {}

  ExitCode code() const { return code_; }
  const std::string& context() const { return context_; }
  const std::string& hint() const { return hint_; }

 private:
  ExitCode code_;
  std::string context_;
  std::string hint_;
};

// Bad or unreadable input (exit 2).
inline ToolError input_error(std::string context, const std::string& what, std::string hint = {}) {
  return ToolError(kExitUsage, std::move(context), what, std::move(hint));
}
// Bad usage that CLI11 could not catch, e.g. two mutually exclusive sources (exit 2).
inline ToolError usage_error(const std::string& what, std::string hint = {}) {
  return ToolError(kExitUsage, "usage", what, std::move(hint));
}
// The environment failed us: permissions, unreachable services (exit 3).
inline ToolError environment_error(std::string context, const std::string& what,
                                   std::string hint = {}) {
  return ToolError(kExitEnvironment, std::move(context), what, std::move(hint));
}

// For the short paths that print with stdio before (or without) seckit::cli::Tool: flushes
// stdout and turns a failed write (a full disk, a closed descriptor) into the one-line error and
// exit 3 that Tool::check_output gives; rc otherwise.
inline int finish_stdout(const char* tool, int rc) {
  if (std::fflush(stdout) == 0 && std::ferror(stdout) == 0) return rc;
  const int err = errno;
  std::fprintf(stderr, "%s: error: standard output: write failed: %s\n", tool, std::strerror(err));
  return kExitEnvironment;
}

}  // namespace seckit
