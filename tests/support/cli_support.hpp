// Runs a seckit::cli::Tool on an argv given as strings (argv[0] first), the way main() would.
// Header-only: only the tests of the CLI layer include it (it pulls in CLI11 through cli.hpp).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "seckit/cli.hpp"

namespace seckit::test {

inline int run_tool(seckit::cli::Tool& tool, std::vector<std::string> args,
                    const std::function<int()>& body) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  return tool.run(static_cast<int>(argv.size()), argv.data(), body);
}

}  // namespace seckit::test
