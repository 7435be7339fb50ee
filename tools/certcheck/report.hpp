// One place that turns results into text for people, JSON Lines for pipes or JUnit XML for CI,
// and keeps the counts that decide the exit status.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "certcheck.hpp"

namespace certcheck {

class Reporter {
 public:
  Reporter(seckit::cli::Tool& tool, std::string format);

  void begin(const Json& input);
  void certificate(const std::string& origin, const seckit::x509::Certificate& cert,
                   std::string_view role, const Json& chain, const std::vector<Finding>& findings);
  void tls_session(const Json& session);
  void skipped(const std::string& path, const std::string& reason);
  void note(const std::string& path, const std::string& text);
  void input_error(const std::string& path, const std::string& message, int code = 2);
  // Writes the summary (or the JUnit document) and returns the exit status.
  int finish();

 private:
  struct Case {
    std::string name;
    std::string classname;
    std::vector<Finding> findings;
    std::string error;  // unreadable input
  };
  seckit::out::Emitter& em() { return json_ ? *json_ : tool_.emitter(); }
  seckit::cli::Tool& tool_;
  std::unique_ptr<seckit::out::Emitter> json_;  // --format json without --json
  std::string format_;
  std::int64_t now_;
  std::size_t certificates_ = 0;
  std::size_t skipped_ = 0;
  std::size_t input_errors_ = 0;
  std::size_t environment_errors_ = 0;
  std::size_t errors_ = 0;
  std::size_t warnings_ = 0;
  std::vector<Case> cases_;
};

std::string xml_escape(std::string_view text);

}  // namespace certcheck
