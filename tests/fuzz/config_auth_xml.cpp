// The config-auth XML reader (libxml2 underneath) on arbitrary bodies.
#include <cstdint>
#include <string_view>

#include "config_auth.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  sslvpn::ConfigAuthOptions o;
  o.show_secrets = size % 2 == 0;
  auto r =
      sslvpn::parse_config_auth(std::string_view(reinterpret_cast<const char*>(data), size), o);
  if (r.ok())
    (void)sslvpn::to_json(*r).dump(-1, ' ', false, sslvpn::Json::error_handler_t::replace);
  return 0;
}
