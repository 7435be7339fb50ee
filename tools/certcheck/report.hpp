// One place that turns results into text for people, JSON Lines for pipes or JUnit XML for CI,
// and keeps the counts that decide the exit status.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "certcheck.hpp"
#include "verdict.hpp"

namespace certcheck {

class Reporter {
 public:
  // `now`: the time days_left counts from (--at, or the current time).
  Reporter(seckit::cli::Tool& tool, std::string format, std::int64_t now);

  void begin(const Json& input);
  void certificate(const std::string& origin, const seckit::x509::Certificate& cert,
                   std::string_view role, const Json& chain, const std::vector<Finding>& findings);
  // A certificate outside the role (--role, or the profiles' sides): described, not checked.
  void unchecked_certificate(const std::string& origin, const seckit::x509::Certificate& cert,
                             std::string_view role, const std::string& reason);
  void tls_session(const Json& session);
  void skipped(const std::string& path, const std::string& reason);
  void note(const std::string& path, const std::string& text);
  void input_error(const std::string& path, const std::string& message, int code = 2);
  // What the run saw; run_check adds the input facts and profile uses.
  RunTally& tally() { return tally_; }
  void set_problems_only(bool on) { problems_only_ = on; }
  // Names unused options in findings, decides the verdict, writes the summary (or the JUnit
  // document) and returns the exit status.
  int finish(const CheckOptions& options);

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
  std::string source_label(const std::string& origin, const Json& record) const;
  std::string junit(const seckit::out::Conclusion& conclusion) const;
  // The text block of one checked certificate (without the blank line after it).
  std::string certificate_text(const std::string& origin, const Json& record, const Json& chain,
                               const std::vector<Finding>& findings) const;
  RunTally tally_;
  bool problems_only_ = false;
  std::size_t input_errors_ = 0;
  std::size_t environment_errors_ = 0;
  std::size_t warnings_ = 0;
  std::vector<Case> cases_;
};

std::string xml_escape(std::string_view text);
// The summary of a run that read its inputs but some were unreadable (verdict "error").
Json error_summary(int exit_code, const Json& counts, const std::string& message);

}  // namespace certcheck
