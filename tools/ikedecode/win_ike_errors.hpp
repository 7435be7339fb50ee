// The few Windows IKE errors ikedecode's verdicts name (winerror.h, ERROR_IPSEC_IKE_*).
// Temporary: common/winerr (being built for certcheck) will own the full table; switch to it
// once it exists.
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <string>

#include "seckit/out.hpp"

namespace ikedecode {

inline seckit::out::Json windows_ike_error(std::uint32_t code) {
  const char* name = nullptr;
  const char* message = nullptr;
  switch (code) {
    case 13801:
      name = "ERROR_IPSEC_IKE_AUTH_FAIL";
      message = "IKE authentication credentials are unacceptable";
      break;
    case 13802:
      name = "ERROR_IPSEC_IKE_ATTRIB_FAIL";
      message = "IKE security attributes are unacceptable";
      break;
    case 13804:
      name = "ERROR_IPSEC_IKE_GENERAL_PROCESSING_ERROR";
      message = "General processing error";
      break;
    case 13805:
      name = "ERROR_IPSEC_IKE_TIMED_OUT";
      message = "Negotiation timed out";
      break;
    case 13806:
      name = "ERROR_IPSEC_IKE_NO_CERT";
      message = "IKE failed to find valid machine certificate";
      break;
    default:
      return nullptr;
  }
  return {{"name", name},
          {"hex", fmt::format("0x{:08X}", code)},
          {"unsigned", code},
          {"signed", static_cast<std::int32_t>(code)},
          {"message", message}};
}

}  // namespace ikedecode
