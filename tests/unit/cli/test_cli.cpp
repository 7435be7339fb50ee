#include <catch2/catch.hpp>

#include "cli_support.hpp"
#include "seckit/cli.hpp"

using seckit::test::run_tool;

TEST_CASE("a CLI11 parse error exits 2", "[cli]") {
  seckit::cli::Tool tool("demo", "demo tool");
  CHECK(run_tool(tool, {"demo", "--no-such-flag"}, [] { return 0; }) == seckit::kExitUsage);
}

TEST_CASE("common flags work after a subcommand", "[cli]") {
  seckit::cli::Tool tool("demo", "demo tool");
  auto* sub = tool.app().add_subcommand("show", "show things");
  (void)sub;
  CHECK(run_tool(tool, {"demo", "show", "--json", "--color", "never"}, [] { return 0; }) == 0);
  CHECK(tool.common().json);
  CHECK(tool.common().color == "never");
}

TEST_CASE("a bad choice is a usage error", "[cli]") {
  seckit::cli::Tool tool("demo", "demo tool");
  CHECK(run_tool(tool, {"demo", "--color", "purple"}, [] { return 0; }) == seckit::kExitUsage);
}

TEST_CASE("ToolError from the body becomes its exit code", "[cli]") {
  seckit::cli::Tool tool("demo", "demo tool");
  CHECK(run_tool(tool, {"demo"}, []() -> int {
          throw seckit::environment_error("ldap", "down");
        }) == seckit::kExitEnvironment);
  seckit::cli::Tool tool2("demo", "demo tool");
  CHECK(run_tool(tool2, {"demo"}, []() -> int { throw std::runtime_error("boom"); }) ==
        seckit::kExitUsage);
}

TEST_CASE("generated docs list every visible option and subcommand", "[cli]") {
  seckit::cli::Tool tool("demo", "demo tool");
  std::string algorithm;
  auto* sub = tool.app().add_subcommand("code", "print codes");
  tool.choices(sub->add_option("--algorithm", algorithm, "HMAC algorithm"), {"sha1", "sha256"});
  auto man = tool.generate("man-options");
  CHECK(man.find("\\fB\\-\\-json\\fR") != std::string::npos);
  CHECK(man.find("\\-\\-algorithm") != std::string::npos);
  CHECK(man.find("generate") == std::string::npos);  // hidden stays hidden
  auto bash = tool.generate("bash");
  CHECK(bash.find("'sha1 sha256'") != std::string::npos);
  CHECK(bash.find("complete -F _seckit_demo demo") != std::string::npos);
  auto fish = tool.generate("fish");
  CHECK(fish.find("__fish_seen_subcommand_from code") != std::string::npos);
  auto zsh = tool.generate("zsh");
  CHECK(zsh.rfind("#compdef demo", 0) == 0);
  CHECK_THROWS(tool.generate("troff"));
}
