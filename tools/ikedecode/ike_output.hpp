// The two faces of ikedecode's output: JSON Lines records, and a text ladder for people.
#pragma once

#include "ike_capture.hpp"
#include "seckit/cli.hpp"

namespace ikedecode {

struct OutputChoice {
  bool messages = true;
  bool sessions = true;
  bool certificates = true;
};

class EmitterSink : public RecordSink {
 public:
  EmitterSink(seckit::cli::Tool& tool, OutputChoice choice) : tool_(tool), choice_(choice) {}
  void message(const Json& data, const IkeMessage& message, const IkeContext& ctx,
               const MessageRelation& relation) override;
  bool wants_message_json() const override;
  void certificate(const Json& data) override;
  void anomaly(const Json& data) override;
  void sa(const Json& data, const std::vector<seckit::out::Finding>& findings) override;
  void finding(const seckit::out::Finding& finding) override;

 private:
  seckit::cli::Tool& tool_;
  OutputChoice choice_;
  double first_time_ = -1;
};

}  // namespace ikedecode
