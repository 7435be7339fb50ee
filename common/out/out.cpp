#include "seckit/out.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <ostream>

#include "seckit/enc.hpp"
#include "seckit/error.hpp"
#include "seckit/version.hpp"

namespace seckit::out {

std::string_view severity_name(Severity severity) {
  switch (severity) {
    case Severity::kInfo:
      return "info";
    case Severity::kWarning:
      return "warning";
    case Severity::kError:
      return "error";
  }
  return "error";
}

std::string_view verdict_name(Verdict verdict) {
  switch (verdict) {
    case Verdict::kPass:
      return "pass";
    case Verdict::kFail:
      return "fail";
    case Verdict::kInconclusive:
      return "inconclusive";
  }
  return "inconclusive";
}

int verdict_exit_code(Verdict verdict) {
  switch (verdict) {
    case Verdict::kPass:
      return kExitOk;
    case Verdict::kFail:
      return kExitFindings;
    case Verdict::kInconclusive:
      return kExitInconclusive;
  }
  return kExitInconclusive;
}

Conclusion& Conclusion::fail(std::string code, std::string message) {
  verdict = Verdict::kFail;
  if (!code.empty()) reasons.push_back({std::move(code), std::move(message)});
  return *this;
}

Conclusion& Conclusion::inconclusive(std::string code, std::string message) {
  if (verdict == Verdict::kPass) verdict = Verdict::kInconclusive;
  reasons.push_back({std::move(code), std::move(message)});
  return *this;
}

bool is_valid_utf8(std::string_view s) {
  std::size_t i = 0;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  while (i < s.size()) {
    unsigned char c = p[i];
    std::size_t len;
    std::uint32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (std::size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8 (RFC 3629).
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
      return false;
    }
    i += len;
  }
  return true;
}

Json wire_text(std::string_view data) {
  std::string text;
  JsonWriter(text).wire_text(data);
  return Json::parse(text);
}

Json wire_text(std::span<const std::uint8_t> data) {
  return wire_text(std::string_view(reinterpret_cast<const char*>(data.data()), data.size()));
}

void check_written(const std::ostream& stream, std::string_view context) {
  if (stream) return;
  const int err = errno;
  if (err == EPIPE) throw BrokenPipe{};
  throw environment_error(std::string(context),
                          fmt::format("write failed: {}", err != 0 ? std::strerror(err) : "error"));
}

std::string rfc3339(std::int64_t unix_seconds, std::int32_t microseconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, microseconds);
}

Emitter::Emitter(std::ostream& stream, bool json, std::string tool)
    : stream_(stream), json_(json), tool_(std::move(tool)) {}

Emitter::~Emitter() {
  try {
    flush();
  } catch (const BrokenPipe&) {  // nobody reads any more: nothing to tell
  } catch (const std::exception&) {
    // Only on a path that already failed: Tool::run flushes (and reports) before destruction.
  }
}

void Emitter::write_line(const std::string& text) {
  if (batched_) {
    batch_ += text;
    batch_ += '\n';
    if (batch_.size() >= std::size_t{64} * 1024) flush();
    return;
  }
  stream_ << text << '\n';
  stream_.flush();
  check_written(stream_, "output");
}

void Emitter::flush() {
  if (batch_.empty()) return;
  stream_.write(batch_.data(), static_cast<std::streamsize>(batch_.size()));
  batch_.clear();
  stream_.flush();
  check_written(stream_, "output");
}

void Emitter::begin(const Json& input) {
  if (!json_) return;
  begun_ = true;
  record("begin", Json{{"tool", tool_},
                       {"version", std::string(kVersion)},
                       {"schema", kSchemaVersion},
                       {"input", input}});
}

std::string& Emitter::open_record(std::string_view type) {
  line_.clear();
  line_ += R"({"type":)";
  append_json_string(line_, type);
  line_ += R"(,"data":)";
  return line_;
}

void Emitter::close_record() {
  line_ += '}';
  write_line(line_);
}

void Emitter::record(std::string_view type, const Json& data) {
  if (!json_) return;
  // replace: a stray invalid byte in a string never throws (and never loses the record).
  open_record(type) += data.dump(-1, ' ', false, Json::error_handler_t::replace);
  close_record();
}

void Emitter::finding(const Finding& finding) {
  ++finding_counts_[finding.severity];
  if (json_) {
    Json data{{"code", finding.code},
              {"severity", severity_name(finding.severity)},
              {"message", finding.message}};
    if (!finding.details.empty()) data["details"] = finding.details;
    if (!finding.windows_error.is_null()) data["windows_error"] = finding.windows_error;
    record("finding", data);
  }
}

void Emitter::line(std::string_view text) {
  if (json_) return;
  write_line(std::string(text));
}

std::size_t Emitter::findings_at_least(Severity severity) const {
  std::size_t n = 0;
  for (const auto& [s, count] : finding_counts_) {
    if (static_cast<int>(s) >= static_cast<int>(severity)) n += count;
  }
  return n;
}

Json Emitter::finding_counts_json() const {
  Json findings = Json::object();
  for (Severity s : {Severity::kError, Severity::kWarning, Severity::kInfo}) {
    auto it = finding_counts_.find(s);
    findings[std::string(severity_name(s))] = it == finding_counts_.end() ? 0 : it->second;
  }
  return findings;
}

int Emitter::conclude(const Conclusion& conclusion, Json counts, const Json& extra) {
  const int exit_code = conclusion.exit_code();
  if (!json_) {
    for (const auto& reason : conclusion.reasons) {
      write_line(fmt::format("{}: {}", verdict_name(conclusion.verdict), reason.message));
    }
    flush();
    return exit_code;
  }
  Json reasons = Json::array();
  for (const auto& reason : conclusion.reasons) {
    reasons.push_back({{"code", reason.code}, {"message", reason.message}});
  }
  Json data{{"counts", std::move(counts)},
            {"findings", finding_counts_json()},
            {"verdict", verdict_name(conclusion.verdict)},
            {"reasons", std::move(reasons)}};
  for (const auto& [key, value] : extra.items()) data[key] = value;
  data["exit_code"] = exit_code;
  summarized_ = true;
  record("summary", data);
  flush();
  return exit_code;
}

void Emitter::close_after_error(int exit_code, std::string_view context, std::string_view message) {
  if (!json_ || !begun_ || summarized_) return;
  summarized_ = true;
  record("summary", Json{{"counts", Json::object()},
                         {"findings", finding_counts_json()},
                         {"verdict", "error"},
                         {"error", {{"context", context}, {"message", message}}},
                         {"exit_code", exit_code}});
  flush();
}

std::string Style::wrap(std::string_view code, std::string_view s) const {
  if (!enabled_) return std::string(s);
  return fmt::format("\x1b[{}m{}\x1b[0m", code, s);
}
std::string Style::bold(std::string_view s) const { return wrap("1", s); }
std::string Style::red(std::string_view s) const { return wrap("31", s); }
std::string Style::yellow(std::string_view s) const { return wrap("33", s); }
std::string Style::green(std::string_view s) const { return wrap("32", s); }
std::string Style::dim(std::string_view s) const { return wrap("2", s); }
std::string Style::severity(Severity severity, std::string_view s) const {
  switch (severity) {
    case Severity::kError:
      return red(s);
    case Severity::kWarning:
      return yellow(s);
    case Severity::kInfo:
      return dim(s);
  }
  return std::string(s);
}

KeyValue& KeyValue::add(std::string key, std::string value) {
  rows_.emplace_back(std::move(key), std::move(value));
  return *this;
}

std::string KeyValue::render(std::size_t indent) const {
  std::size_t width = 0;
  for (const auto& row : rows_) width = std::max(width, row.first.size());
  std::string out;
  for (const auto& [key, value] : rows_) {
    out += fmt::format("{:{}}{:<{}}  {}\n", "", indent, key + ":", width + 1, value);
  }
  return out;
}

}  // namespace seckit::out
