// Which certificates a run checks. A stream from ikedecode or sslvpn-trace holds the certificates
// of both peers; a server profile judging the initiator's certificate reports a defect that is
// not one (issue 15 case 2). The sender, recorded in each record's `source`, decides.
#include <fmt/format.h>

#include "certcheck.hpp"

namespace certcheck {
namespace {

std::string_view side_words(Side side) {
  switch (side) {
    case Side::kServer:
      return "responder/server";
    case Side::kClient:
      return "initiator/client";
    case Side::kAny:
      break;
  }
  return "any";
}

Side role_side(RoleFilter role) {
  return role == RoleFilter::kServer   ? Side::kServer
         : role == RoleFilter::kClient ? Side::kClient
                                       : Side::kAny;
}

}  // namespace

std::optional<RoleFilter> parse_role(std::string_view name) {
  if (name == "any") return RoleFilter::kAny;
  if (name == "initiator" || name == "client") return RoleFilter::kClient;
  if (name == "responder" || name == "server") return RoleFilter::kServer;
  return std::nullopt;
}

std::string sender_name(const Json& source) {
  if (!source.is_object()) return {};
  auto it = source.find("sender");
  if (it == source.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

Side sender_side(const Json& source) {
  std::string sender = sender_name(source);
  if (sender == "initiator" || sender == "client") return Side::kClient;
  if (sender == "responder" || sender == "server") return Side::kServer;
  return Side::kAny;
}

Scope certificate_scope(const Json& source, const CheckOptions& o) {
  Scope scope;
  Side sender = sender_side(source);
  // A certificate of unknown origin (a file the user named) is checked with every profile.
  if (sender == Side::kAny || o.role == RoleFilter::kAny) {
    scope.profiles = o.profiles;
    return scope;
  }
  std::string who = sender_name(source);
  if (o.role != RoleFilter::kAuto) {
    if (role_side(o.role) != sender) {
      scope.checked = false;
      scope.skip_reason = fmt::format(
          "sent by the {}; --role {} checks {} certificates (--role any checks every one)", who,
          o.role_name, side_words(role_side(o.role)));
      return scope;
    }
    scope.profiles = o.profiles;
    return scope;
  }
  if (o.profiles.empty()) return scope;  // no profile: nothing chooses a side
  std::vector<std::string> others;
  for (const Profile* p : o.profiles) {
    if (p->side == Side::kAny || p->side == sender) {
      scope.profiles.push_back(p);
    } else {
      others.push_back(fmt::format("{} checks {}", p->name, side_words(p->side)));
    }
  }
  if (scope.profiles.empty()) {
    scope.checked = false;
    scope.skip_reason =
        fmt::format("sent by the {}; profile {} certificates (--role any checks it anyway)", who,
                    fmt::join(others, ", "));
  }
  return scope;
}

}  // namespace certcheck
