// The shared option group as CLI11 parses it: the same spellings in every tool, the hidden
// deprecated alias, and the choices of --starttls.
#include <catch2/catch.hpp>

#include "cli_support.hpp"
#include "seckit/connect_cli.hpp"

using seckit::test::run_tool;

TEST_CASE("the connect group parses every shared option", "[tlsclient][cli]") {
  seckit::cli::Tool tool("demo", "demo tool");
  seckit::tlsclient::ConnectFlags flags;
  seckit::cli::add_connect_options(tool, tool.app(), flags);
  CHECK(run_tool(tool,
                 {"demo", "--connect", "[::1]:2525", "--sni", "mail.example.test", "--starttls",
                  "smtp", "--ca-file", "ca.pem", "--timeout", "3"},
                 [] { return 0; }) == 0);
  CHECK(flags.connect == "[::1]:2525");
  CHECK(flags.sni == "mail.example.test");
  CHECK(flags.starttls == "smtp");
  CHECK(flags.ca_file == "ca.pem");
  CHECK(flags.timeout_seconds == 3);
  auto spec = seckit::tlsclient::resolve_connect(flags);
  REQUIRE(spec);
  CHECK(spec->endpoint.host == "::1");
}

TEST_CASE("an unknown --starttls protocol or a zero --timeout is a usage error",
          "[tlsclient][cli]") {
  seckit::cli::Tool tool("demo", "demo tool");
  seckit::tlsclient::ConnectFlags flags;
  seckit::cli::add_connect_options(tool, tool.app(), flags);
  CHECK(run_tool(tool, {"demo", "--connect", "h:1", "--starttls", "pop3"}, [] { return 0; }) ==
        seckit::kExitUsage);
  seckit::cli::Tool tool2("demo", "demo tool");
  seckit::cli::add_connect_options(tool2, tool2.app(), flags);
  CHECK(run_tool(tool2, {"demo", "--connect", "h:1", "--timeout", "0"}, [] { return 0; }) ==
        seckit::kExitUsage);
}

TEST_CASE("a deprecated spelling still works and stays out of --help", "[tlsclient][cli]") {
  seckit::cli::Tool tool("demo", "demo tool");
  seckit::tlsclient::ConnectFlags flags;
  seckit::cli::ConnectOptionSet set;
  set.hidden_sni_aliases = {"--server-name"};
  seckit::cli::add_connect_options(tool, tool.app(), flags, set);
  CHECK(run_tool(tool, {"demo", "--connect", "h:1", "--server-name", "old.example"},
                 [] { return 0; }) == 0);
  CHECK(flags.sni == "old.example");
  CHECK(tool.app().help().find("--server-name") == std::string::npos);
  CHECK(tool.app().help().find("--sni") != std::string::npos);
}

TEST_CASE("without its own --ca-file the group leaves the option to the tool", "[tlsclient][cli]") {
  seckit::cli::Tool tool("demo", "demo tool");
  seckit::tlsclient::ConnectFlags flags;
  seckit::cli::ConnectOptionSet set;
  set.ca_file = false;
  seckit::cli::add_connect_options(tool, tool.app(), flags, set);
  std::string tool_ca;
  tool.app().add_option("--ca-file", tool_ca, "the tool's own");
  CHECK(run_tool(tool, {"demo", "--connect", "h:1", "--ca-file", "x.pem"}, [] { return 0; }) == 0);
  CHECK(tool_ca == "x.pem");
  CHECK(flags.ca_file.empty());
}
