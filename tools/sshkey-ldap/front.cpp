// The sshkey-ldap executable. It answers `authorized-keys USER` from a fresh cache itself
// (fast_path.hpp) and hands every other command line to the commands module: a private shared
// object under <libdir>/seckit holding the CLI (main.cpp) and everything that talks to LDAP or
// uses OpenSSL. Mapping and relocating libldap, libssl, libcrypto and their dependencies was most
// of a short call's cost, so only the calls that need them pay it now (issue 18).
#include <dlfcn.h>
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <string>
#include <string_view>

#include "fast_path.hpp"
#include "seckit/error.hpp"
#include "seckit/version.hpp"

namespace {

// Next to the running executable (so build trees and any install prefix work), else where
// `cmake --install` puts it.
std::string commands_module_path() {
  std::string exe(PATH_MAX, '\0');
  ssize_t n = ::readlink("/proc/self/exe", exe.data(), exe.size());
  if (n > 0 && static_cast<std::size_t>(n) < exe.size()) {
    exe.resize(static_cast<std::size_t>(n));
    return exe.substr(0, exe.rfind('/') + 1) + SECKIT_COMMANDS_MODULE_FROM_BINDIR;
  }
  return SECKIT_COMMANDS_MODULE_INSTALLED;
}

int run_commands_module(int argc, char** argv) {
  std::string path = commands_module_path();
  // RTLD_LAZY: the module's own functions are bound on first call, as a program's are; RTLD_NOW
  // resolved every one up front (0.65 M more instructions on a cache miss, issue 18; libldap,
  // libssl and libcrypto are linked BIND_NOW by Debian either way).
  // RTLD_LOCAL: the module's libraries resolve among themselves; nothing else is loaded later.
  void* module = ::dlopen(path.c_str(), RTLD_LAZY | RTLD_LOCAL);
  void* entry = module ? ::dlsym(module, "seckit_sshkey_ldap_main") : nullptr;
  if (entry == nullptr) {
    const char* why = ::dlerror();
    std::fprintf(stderr, "sshkey-ldap: error: commands module: %s (reinstall the seckit package)\n",
                 why ? why : path.c_str());
    return seckit::kExitEnvironment;
  }
  using Entry = int (*)(int, char**);
  return reinterpret_cast<Entry>(entry)(argc, argv);  // NOLINT: dlsym's documented use
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && std::string_view(argv[1]) == "--version") {
    return seckit::print_version("sshkey-ldap");
  }
  if (auto rc = sshkey_ldap::answer_from_cache(argc, argv)) return *rc;
  return run_commands_module(argc, argv);
}
