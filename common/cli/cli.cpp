#include "seckit/cli.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>

#include "seckit/version.hpp"

namespace seckit::cli {

bool is_terminal(int fd) { return ::isatty(fd) == 1; }

Tool::Tool(std::string name, std::string summary)
    : name_(std::move(name)), app_(std::move(summary), name_) {
  app_.set_version_flag("--version", fmt::format("{} (seckit) {}", name_, kVersion),
                        "Print the version and exit");
  app_.fallthrough();  // common flags work before and after the subcommand
  app_.add_flag("--json", common_.json, "Emit JSON Lines records instead of text");
  choices(app_.add_option("--color", common_.color, "When to colour text output")
              ->default_str("auto")
              ->type_name("WHEN"),
          {"auto", "always", "never"});
  app_.add_flag("-q,--quiet", common_.quiet, "Suppress warnings on stderr (errors still shown)");
  file_arg(app_.add_option("-o,--output", common_.output, "Write records to FILE instead of stdout")
               ->type_name("FILE"));
  app_.add_option("--generate", generate_kind_,
                  "Render docs from these definitions: man-options|man-synopsis|bash|zsh|fish")
      ->group("");  // hidden: used by the build to render docs
}

CLI::Option* Tool::choices(CLI::Option* option, std::vector<std::string> values) {
  option->check(CLI::IsMember(values));
  hints_.push_back({option, std::move(values), 'c'});
  return option;
}

CLI::Option* Tool::file_arg(CLI::Option* option) {
  hints_.push_back({option, {}, 'f'});
  return option;
}

CLI::Option* Tool::dir_arg(CLI::Option* option) {
  hints_.push_back({option, {}, 'd'});
  return option;
}

std::ostream& Tool::out() {
  if (common_.output.empty()) return std::cout;
  if (!file_out_) {
    auto file = std::make_unique<std::ofstream>(common_.output, std::ios::trunc);
    if (!*file) throw input_error(common_.output, "cannot open for writing");
    file_out_ = std::move(file);
  }
  return *file_out_;
}

out::Emitter& Tool::emitter() {
  if (!emitter_) emitter_ = std::make_unique<out::Emitter>(out(), common_.json, name_);
  return *emitter_;
}

void Tool::warn(std::string_view context, std::string_view message) const {
  if (common_.quiet) return;
  std::cerr << fmt::format("{}: warning: {}: {}\n", name_, context, message);
}

void Tool::error(std::string_view context, std::string_view message, std::string_view hint) const {
  std::string line = context.empty() ? fmt::format("{}: error: {}", name_, message)
                                     : fmt::format("{}: error: {}: {}", name_, context, message);
  if (!hint.empty()) line += fmt::format(" ({})", hint);
  // One line, always: a message with embedded newlines would break log parsers.
  for (char& c : line) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  std::cerr << line << '\n';
}

int Tool::run(int argc, char** argv, const std::function<int()>& body) {
  // Writes to a closed pipe must fail with EPIPE (not kill us mid-update of a file); the
  // Emitter turns EPIPE into BrokenPipe, which unwinds and then dies of SIGPIPE like grep.
  std::signal(SIGPIPE, SIG_IGN);
  try {
    app_.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return checked_exit(app_.exit(e));
  } catch (const CLI::CallForAllHelp& e) {
    return checked_exit(app_.exit(e));
  } catch (const CLI::CallForVersion& e) {
    return checked_exit(app_.exit(e));
  } catch (const CLI::ParseError& e) {
    error("usage", e.what(), fmt::format("see {} --help", name_));
    return kExitUsage;
  }
  if (!generate_kind_.empty()) {
    try {
      std::cout << generate(generate_kind_);
      return checked_exit(kExitOk);
    } catch (const std::exception& e) {
      error("--generate", e.what());
      return kExitUsage;
    }
  }
  bool color = common_.color == "always" ||
               (common_.color == "auto" && !common_.json && common_.output.empty() &&
                is_terminal(STDOUT_FILENO) && std::getenv("NO_COLOR") == nullptr);
  style_ = out::Style(color);

  int rc;
  try {
    rc = body();
    if (emitter_) emitter_->flush();
    check_output();
  } catch (const out::BrokenPipe&) {
    std::signal(SIGPIPE, SIG_DFL);
    std::raise(SIGPIPE);
    return 128 + SIGPIPE;
  } catch (const ToolError& e) {
    close_stream_after_error(e.code(), e.context(), e.what());
    error(e.context(), e.what(), e.hint());
    return e.code();
  } catch (const CLI::ParseError& e) {
    // Subcommand bodies may validate combinations themselves and throw CLI11 errors.
    close_stream_after_error(kExitUsage, "usage", e.what());
    error("usage", e.what(), fmt::format("see {} --help", name_));
    return kExitUsage;
  } catch (const std::exception& e) {
    close_stream_after_error(kExitUsage, "internal error", e.what());
    error("internal error", e.what(), "please report this");
    return kExitUsage;
  }
  return rc;
}

void Tool::check_output() {
  std::ostream& stream = out();
  stream.flush();
  out::check_written(stream, common_.output.empty() ? "standard output" : common_.output);
}

// For the paths that write without a body (--help, --version, --generate): the same rule.
int Tool::checked_exit(int rc) {
  try {
    check_output();
    return rc;
  } catch (const out::BrokenPipe&) {
    std::signal(SIGPIPE, SIG_DFL);
    std::raise(SIGPIPE);
    return 128 + SIGPIPE;
  } catch (const ToolError& e) {
    error(e.context(), e.what(), e.hint());
    return e.code();
  }
}

void Tool::close_stream_after_error(int exit_code, std::string_view context,
                                    std::string_view message) noexcept {
  if (!emitter_) return;
  try {
    emitter_->close_after_error(exit_code, context, message);
    emitter_->flush();
    out().flush();
  } catch (...) {
    // The stream itself failed (closed pipe, full disk): stderr still gets the error line.
  }
}

}  // namespace seckit::cli
