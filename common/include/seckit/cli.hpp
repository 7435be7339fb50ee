// The command line every seckit tool shares: common flags, exit-status mapping, one-line
// diagnostics, SIGPIPE behaviour, and the hidden `--generate man-options|man-synopsis|bash|zsh|
// fish` that renders the man page OPTIONS section and the completions from the same CLI11
// definitions that parse the arguments (so they cannot drift apart silently).
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "seckit/error.hpp"
#include "seckit/out.hpp"

namespace seckit::cli {

struct CommonOptions {
  bool json = false;
  std::string color = "auto";  // auto|always|never
  bool quiet = false;
  std::string output;  // --output FILE; empty = stdout
};

class Tool {
 public:
  // `name` is the binary name, `summary` the one-line description used by --help and NAME.
  Tool(std::string name, std::string summary);

  CLI::App& app() { return app_; }
  const std::string& name() const { return name_; }
  const CommonOptions& common() const { return common_; }

  // Restricts an option's values to a fixed set and records them for the completions.
  CLI::Option* choices(CLI::Option* option, std::vector<std::string> values);
  // Marks an option's value as a file or directory path for the completions.
  CLI::Option* file_arg(CLI::Option* option);
  CLI::Option* dir_arg(CLI::Option* option);

  // Parses argv and calls body, mapping every failure to the documented exit status:
  // CLI11 parse errors -> 2 with the message; ToolError -> its code; BrokenPipe -> SIGPIPE;
  // anything else -> 2 with "internal error". Also serves --help, --version and --generate.
  int run(int argc, char** argv, const std::function<int()>& body);

  // The output stream chosen by --output (stdout by default), the emitter and style on it.
  std::ostream& out();
  out::Emitter& emitter();
  const out::Style& style() const { return style_; }

  // One-line diagnostics on stderr: "tool: warning: context: message". Silenced by --quiet
  // (warnings only; errors are always printed).
  void warn(std::string_view context, std::string_view message) const;
  void error(std::string_view context, std::string_view message, std::string_view hint = {}) const;

  // The hidden generator, public for tests: kind = man-options|man-synopsis|bash|zsh|fish.
  std::string generate(std::string_view kind);

 private:
  // After an error in body(): the JSON stream still ends with its summary (verdict "error").
  // Flushes the output and throws if a write to it failed (out::BrokenPipe for a reader that went
  // away, an environment error otherwise); checked_exit returns rc, or the exit status of that.
  void check_output();
  int checked_exit(int rc);
  void close_stream_after_error(int exit_code, std::string_view context,
                                std::string_view message) noexcept;
  std::string name_;
  CLI::App app_;
  CommonOptions common_;
  std::string generate_kind_;
  out::Style style_;
  std::unique_ptr<std::ostream> file_out_;
  std::unique_ptr<out::Emitter> emitter_;
  struct ValueHint {
    const CLI::Option* option;
    std::vector<std::string> choices;
    char kind;  // 'c' choices, 'f' file, 'd' directory
  };
  std::vector<ValueHint> hints_;
  friend class DocGenerator;
};

// Whether the file descriptor is a terminal (used for --color auto and progress output).
bool is_terminal(int fd);

}  // namespace seckit::cli
