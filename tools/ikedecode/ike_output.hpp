// The two faces of ikedecode's output: JSON Lines records, and a text ladder for people.
#pragma once

#include "ike_capture.hpp"
#include "seckit/cli.hpp"

namespace ikedecode {

struct OutputChoice {
  bool messages = true;
  bool sessions = true;
  bool certificates = true;
  bool verbose = false;  // per-SA identities, authentication, selectors, accepted proposals
};

class EmitterSink : public RecordSink {
 public:
  EmitterSink(seckit::cli::Tool& tool, OutputChoice choice) : tool_(tool), choice_(choice) {}
  void message(const MessageEvent& event) override;
  void certificate(const Json& data) override;
  void anomaly(const seckit::Anomaly& anomaly, std::string_view pcap) override;
  void sa(const SaReport& sa, const std::vector<seckit::out::Finding>& findings) override;
  void finding(const seckit::out::Finding& finding) override;

 private:
  void message_line(const MessageEvent& event);
  void sa_text(const SaReport& sa);
  seckit::cli::Tool& tool_;
  OutputChoice choice_;
  double first_time_ = -1;
};

}  // namespace ikedecode
