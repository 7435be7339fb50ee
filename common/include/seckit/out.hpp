// Output for people and for pipes. Every tool writes through one Emitter:
//  * JSON mode: one `{"type": T, "data": {...}}` object per line, flushed as produced, opened by
//    `begin` and closed by `summary`. Invalid UTF-8 never throws (it is replaced), and wire text
//    that may not be UTF-8 goes through wire_text() so nothing is lost.
//  * text mode: the tool renders its own lines, using Style for colour and the KeyValue helper
//    for aligned blocks.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <map>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "seckit/json_writer.hpp"

namespace seckit::out {

using Json = nlohmann::ordered_json;

inline constexpr int kSchemaVersion = 1;

enum class Severity { kInfo, kWarning, kError };
std::string_view severity_name(Severity severity);

// A problem a check found. `windows_error` (optional) is filled by tools that know which Windows
// error the peer would log for it: {"name","hex","unsigned","signed","message"}.
struct Finding {
  std::string code;  // stable, kebab-case: "eku-missing", "expired"
  Severity severity = Severity::kError;
  std::string message;  // one sentence for people
  Json details = Json::object();
  Json windows_error = nullptr;
};

// What a run concluded. Only kPass exits 0: a run that saw nothing it could judge is
// kInconclusive (exit 4) and says what evidence was missing and how to supply it, so a CI gate
// never turns green on a check that was not made. A failure found on some of the evidence stands
// even when other evidence is missing (fail wins over inconclusive).
enum class Verdict { kPass, kFail, kInconclusive };
std::string_view verdict_name(Verdict verdict);
int verdict_exit_code(Verdict verdict);

// Why a run is not a plain pass: `code` is stable kebab-case ("no-certificates"), `message` one
// sentence naming the missing evidence and how to supply it ("... pass --keylog FILE").
struct Reason {
  std::string code;
  std::string message;
};

// A verdict with its reasons, built by a tool's pure decision functions from its typed counts.
struct Conclusion {
  Verdict verdict = Verdict::kPass;
  std::vector<Reason> reasons;

  // Marks the run failed (a reason is optional: findings usually say why).
  Conclusion& fail(std::string code = {}, std::string message = {});
  // Marks the run inconclusive unless it already failed; the reason is always kept.
  Conclusion& inconclusive(std::string code, std::string message);
  int exit_code() const { return verdict_exit_code(verdict); }
};

// {"text": s} when s is valid UTF-8, else {"bytes": base64(s)}.
Json wire_text(std::span<const std::uint8_t> data);
Json wire_text(std::string_view data);
bool is_valid_utf8(std::string_view data);

// After a write to `stream`: nothing when it succeeded; else throws BrokenPipe when the reader
// went away (EPIPE) and otherwise the exit-3 environment error "CONTEXT: write failed: ..." (a
// full disk, a closed descriptor), so a cut-short output is never taken for a whole one.
void check_written(const std::ostream& stream, std::string_view context);

// RFC 3339 UTC with microseconds: 2026-11-22T17:05:05.123456Z
std::string rfc3339(std::int64_t unix_seconds, std::int32_t microseconds = 0);

// Thrown by Emitter when the reader of our output went away (EPIPE). The CLI boundary turns it
// into grep's behaviour: stop quietly, unwind (temp files removed), die of SIGPIPE.
struct BrokenPipe {};

class Emitter {
 public:
  Emitter(std::ostream& stream, bool json, std::string tool);

  ~Emitter();
  Emitter(const Emitter&) = delete;
  Emitter& operator=(const Emitter&) = delete;

  bool json() const { return json_; }
  std::ostream& stream() { return stream_; }

  // Batched: lines are collected and written in blocks of about 64 KiB (and by flush(), the
  // summary and the end of the run) instead of one write per line. For inputs that are read
  // faster than anyone watches them (capture files); a live source (an interface, a pipe on
  // stdin) keeps the default, every line written and flushed as it is produced.
  void set_batched(bool batched) { batched_ = batched; }
  // Writes what a batch holds (a no-op when unbatched).
  void flush();

  // JSON mode: the `begin` record. `input` describes what is read (file names, flags).
  void begin(const Json& input = Json::object());
  // JSON mode: one record. Text mode: ignored (the tool prints its own text).
  void record(std::string_view type, const Json& data);
  // JSON mode: one record whose data `write(JsonWriter&)` writes straight from the caller's
  // structs (one value: usually an object), without a tree. Text mode: ignored.
  template <typename Write>
  void write_record(std::string_view type, Write&& write) {
    if (!json_) return;
    JsonWriter writer(open_record(type));
    write(writer);
    close_record();
  }
  // Counts findings by severity; JSON mode emits a `finding` record, text mode a line.
  void finding(const Finding& finding);
  // Text mode convenience: writes a line and flushes (so pipes see it as produced).
  void line(std::string_view text);
  // Closes the run with its conclusion. JSON mode: `summary` {counts, findings, verdict
  // (pass|fail|inconclusive), reasons [{code,message}], exit_code} plus the fields of `extra`
  // (a tool's own result, e.g. cbaudit's level). Text mode: one line per reason
  // ("inconclusive: ..."), printed even with --quiet since it is the answer. Returns the exit code.
  int conclude(const Conclusion& conclusion, Json counts = Json::object(),
               const Json& extra = Json::object());
  // JSON mode, when a run aborts (usage/input/environment error) after `begin` and before its
  // `summary`: closes the stream with a `summary` whose verdict is "error" and whose `error`
  // says what failed, so a consumer never sees a stream without its end. No-op otherwise.
  void close_after_error(int exit_code, std::string_view context, std::string_view message);

  std::size_t findings_at_least(Severity severity) const;

 private:
  void write_line(const std::string& text);
  // The line buffer with `{"type":T,"data":` written, and the line's end; reused per record.
  std::string& open_record(std::string_view type);
  void close_record();
  std::string line_;
  std::string batch_;
  bool batched_ = false;
  Json finding_counts_json() const;
  std::ostream& stream_;
  bool json_;
  std::string tool_;
  std::map<Severity, std::size_t> finding_counts_;
  bool begun_ = false, summarized_ = false;
};

// Colour, decided once from --color and whether the stream is a terminal.
class Style {
 public:
  Style() = default;
  explicit Style(bool enabled) : enabled_(enabled) {}
  bool enabled() const { return enabled_; }
  std::string bold(std::string_view s) const;
  std::string red(std::string_view s) const;
  std::string yellow(std::string_view s) const;
  std::string green(std::string_view s) const;
  std::string dim(std::string_view s) const;
  std::string severity(Severity severity, std::string_view s) const;

 private:
  std::string wrap(std::string_view code, std::string_view s) const;
  bool enabled_ = false;
};

// Aligned "key: value" blocks for text output.
class KeyValue {
 public:
  KeyValue& add(std::string key, std::string value);
  std::string render(std::size_t indent = 0) const;

 private:
  std::vector<std::pair<std::string, std::string>> rows_;
};

}  // namespace seckit::out
