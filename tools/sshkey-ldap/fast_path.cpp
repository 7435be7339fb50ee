#include "fast_path.hpp"

#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <string>
#include <string_view>
#include <vector>

#include "answer.hpp"
#include "cache.hpp"
#include "config.hpp"
#include "seckit/error.hpp"

namespace sshkey_ldap {
namespace {

struct Request {
  std::string config_path;
  std::string user;
  std::vector<std::string> extra;  // sshd's %f %t %k
};

// The command lines an AuthorizedKeysCommand uses: [--config FILE] authorized-keys USER [ARGS].
// Anything else (--json, a flag overriding the configuration, "--") is left to CLI11.
std::optional<Request> plain_request(int argc, char** argv) {
  Request request;
  int i = 1;
  constexpr std::string_view kConfigEq = "--config=";
  if (i < argc && std::string_view(argv[i]) == "--config") {
    if (i + 1 >= argc || argv[i + 1][0] == '-') return std::nullopt;
    request.config_path = argv[i + 1];
    i += 2;
  } else if (i < argc && std::string_view(argv[i]).substr(0, kConfigEq.size()) == kConfigEq) {
    request.config_path = argv[i] + kConfigEq.size();
    ++i;
  }
  if (i >= argc || std::string_view(argv[i]) != "authorized-keys") return std::nullopt;
  for (++i; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg.empty() || arg.front() == '-') return std::nullopt;
    if (request.user.empty()) {
      request.user = arg;
    } else {
      request.extra.emplace_back(arg);
    }
  }
  if (request.user.empty()) return std::nullopt;
  return request;
}

// The configuration main.cpp would load; nullopt when it would refuse it or the user name.
std::optional<Config> plain_config(const Request& request) {
  Config config;
  try {
    if (!request.config_path.empty()) {
      config.load_file(request.config_path);
    } else if (struct stat st{}; ::stat(kDefaultConfigPath, &st) == 0) {
      config.load_file(kDefaultConfigPath);
    }
    check_user_name(request.user);
    config.require_directory();
  } catch (const std::exception&) {
    return std::nullopt;
  }
  return config;
}

bool write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    text.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

std::optional<int> answer_from_cache(int argc, char** argv) {
  auto request = plain_request(argc, argv);
  if (!request) return std::nullopt;
  auto config = plain_config(*request);
  // enforce_policy needs the enrollment rules, which live with the directory commands.
  if (!config || config->enforce_policy) return std::nullopt;
  auto cached = read_cache(*config, request->user);
  if (!cached) return std::nullopt;
  auto age = fresh_cache_age(*config, *cached, static_cast<std::int64_t>(std::time(nullptr)));
  if (!age) return std::nullopt;

  auto keys = keys_to_serve(cached->lines, offered_key_blob(request->extra));
  std::string text;
  for (const auto& key : keys) text += key.line() + "\n";
  // SIGPIPE keeps its default here: a reader that went away ends us as it would the commands
  // module (which turns EPIPE back into SIGPIPE, like grep).
  if (!write_all(STDOUT_FILENO, text)) {
    std::fprintf(stderr, "sshkey-ldap: error: stdout: %s\n", std::strerror(errno));
    return seckit::kExitEnvironment;
  }
  ::openlog("sshkey-ldap", LOG_PID, LOG_AUTHPRIV);
  ::syslog(LOG_INFO, "%s", served_log_line(request->user, keys.size(), "cache").c_str());
  return seckit::kExitOk;
}

}  // namespace sshkey_ldap
