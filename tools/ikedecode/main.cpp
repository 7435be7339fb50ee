// ikedecode: IKEv1/IKEv2 forensics from pcaps. Argument wiring only; the work is in ikedecode_core.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>

#include "ike_capture.hpp"
#include "ike_output.hpp"
#include "seckit/capture_cli.hpp"
#include "seckit/cli.hpp"

namespace {

// Everything the command line sets besides the shared capture options.
struct Args {
  seckit::net::CaptureSpec capture;
  std::vector<std::string> key_files;
  ikedecode::CaptureOptions options;
  bool only_messages = false, only_sessions = false, no_heuristics = false, verbose = false;
  std::string progress = "auto";
};

void add_options(seckit::cli::Tool& tool, Args& a) {
  auto& app = tool.app();
  seckit::cli::add_capture_options(tool, a.capture);
  tool.file_arg(app.add_option("-k,--keys", a.key_files,
                               "Keys for decrypting IKEv2 SK/SKF payloads and IKEv1 encrypted "
                               "messages: Wireshark's ikev2_decryption_table or "
                               "ikev1_decryption_table, tcpdump's \"ikev2 I|R ...\" secrets "
                               "lines, or a charon log at ike 4; repeatable")
                    ->type_name("FILE")
                    ->allow_extra_args(false));
  app.add_option("--ike-port", a.options.ike_ports, "UDP ports carrying plain IKE (default 500)")
      ->type_name("PORT")
      ->allow_extra_args(false)
      ->default_str("500");
  app.add_option("--natt-port", a.options.natt_ports,
                 "UDP/TCP ports carrying NAT-T (non-ESP marker) and RFC 8229 IKE (default 4500)")
      ->type_name("PORT")
      ->allow_extra_args(false)
      ->default_str("4500");
  app.add_flag("--no-heuristics", a.no_heuristics,
               "Do not look for IKE on other UDP ports by header sanity");
  auto* messages_flag =
      app.add_flag("--messages", a.only_messages, "Output the messages only (no per-SA records)");
  app.add_flag("--sessions", a.only_sessions, "Output the per-SA records only (no messages)")
      ->excludes(messages_flag);
  app.add_flag("-v,--verbose", a.verbose,
               "Text output: show each SA's identities, authentication methods, traffic "
               "selectors and accepted proposals (the ike_sa JSON record always carries them)");
  tool.choices(app.add_option("--progress", a.progress, "Progress on stderr for large files")
                   ->type_name("WHEN")
                   ->default_str("auto"),
               {"auto", "always", "never"});
}

}  // namespace

// Exceptions before tool.run() come only from CLI11 rejecting the option definitions below (a
// programming error, found by every test); run() turns everything after into exit codes.
int main(int argc, char** argv) {  // NOLINT(bugprone-exception-escape)
  seckit::cli::Tool tool("ikedecode",
                         "Decode IKEv1/IKEv2 handshakes in pcap/pcapng captures and diagnose them");
  Args args;
  add_options(tool, args);
  auto& capture = args.capture;
  auto& key_files = args.key_files;
  auto& options = args.options;
  const auto& progress = args.progress;

  return tool.run(argc, argv, [&] {
    // Checked here rather than by CLI11 so the hidden --generate works without a capture.
    seckit::cli::require_capture_source(capture, "ikedecode CAPTURE... or -i IFACE");
    seckit::net::stop_on_interrupt();
    ikedecode::KeyStore keys;
    for (const auto& file : key_files) keys.load_file(file);
    if (!key_files.empty()) options.keys = &keys;
    options.heuristics = !args.no_heuristics;
    options.progress =
        progress == "always" ||
        (progress == "auto" && seckit::cli::is_terminal(STDERR_FILENO) && !tool.common().quiet);
    ikedecode::OutputChoice choice;
    choice.messages = !args.only_sessions;
    choice.sessions = !args.only_messages;
    choice.verbose = args.verbose;
    ikedecode::EmitterSink sink(tool, choice);
    auto& emitter = tool.emitter();
    // Capture files are read faster than anyone watches: records go out in blocks. A capture
    // on stdin may be live (tcpdump -w - | ikedecode -), so each record goes out as decided.
    // Live capture (-i) likewise.
    const auto& files = capture.files;
    emitter.set_batched(capture.interface.empty() &&
                        std::find(files.begin(), files.end(), "-") == files.end());
    emitter.begin({{"captures", files},
                   {"interface", capture.interface.empty() ? seckit::out::Json(nullptr)
                                                           : seckit::out::Json(capture.interface)},
                   {"filter", capture.filter},
                   {"ike_ports", options.ike_ports},
                   {"natt_ports", options.natt_ports},
                   {"keys", key_files.size()}});
    ikedecode::CaptureAnalyzer analyzer(options, sink);
    seckit::net::CaptureEnd end = analyzer.read(capture);
    analyzer.finish();
    const auto& counts = analyzer.counts();
    auto evidence = analyzer.evidence();
    evidence.error_findings = emitter.findings_at_least(seckit::out::Severity::kError);
    if (!emitter.json() && !tool.common().quiet) {
      emitter.line("");
      emitter.line(fmt::format(
          "{} frames, {} IKE messages, {} SAs: {} established, {} failed, "
          "{} timed out, {} incomplete; {} certificates, {} anomalies",
          counts.frames, counts.ike_messages, counts.sas, counts.established, counts.failed,
          counts.timed_out, counts.incomplete, counts.certificates, counts.anomalies));
    }
    int rc = emitter.conclude(ikedecode::conclude_run(evidence), counts.to_json());
    return end == seckit::net::CaptureEnd::kInterrupted ? seckit::kExitInterrupted : rc;
  });
}
