// SMB2 (Direct TCP) and LDAP stream framing. Messages are built by hand from MS-SMB2 2.1,
// 2.2.1.2, 2.2.5 and 2.2.6 and RFC 4511 4.2; the stream is fed in every split so that message
// boundaries fall inside headers and lengths.
#include <catch2/catch.hpp>

#include "ldap_msg.hpp"
#include "ldap_stream.hpp"
#include "smb2_stream.hpp"

using namespace cbaudit;
using Buffer = std::vector<std::uint8_t>;

namespace {

void put_le(Buffer& b, std::uint64_t v, int n) {
  for (int i = 0; i < n; ++i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

// SMB2 header (64 bytes) + SESSION_SETUP request (StructureSize 25) or response (9) with `token`
// as its security buffer, behind a Direct TCP header.
Buffer session_setup(bool response, std::uint32_t status, const Buffer& token) {
  Buffer m = {0xfe, 'S', 'M', 'B'};
  put_le(m, 64, 2);        // StructureSize
  put_le(m, 0, 2);         // CreditCharge
  put_le(m, status, 4);    // Status
  put_le(m, 1, 2);         // Command SESSION_SETUP
  put_le(m, 1, 2);         // Credits
  put_le(m, response, 4);  // Flags: SMB2_FLAGS_SERVER_TO_REDIR
  m.resize(64, 0);         // NextCommand .. Signature
  if (response) {
    put_le(m, 9, 2);  // StructureSize
    put_le(m, 0, 2);  // SessionFlags
  } else {
    put_le(m, 25, 2);  // StructureSize
    m.push_back(0);    // Flags
    m.push_back(1);    // SecurityMode
    put_le(m, 0, 4);   // Capabilities
    put_le(m, 0, 4);   // Channel
  }
  std::size_t offset = m.size() + 4 + (response ? 0 : 8);
  put_le(m, offset, 2);            // SecurityBufferOffset
  put_le(m, token.size(), 2);      // SecurityBufferLength
  if (!response) put_le(m, 0, 8);  // PreviousSessionId
  m.insert(m.end(), token.begin(), token.end());
  Buffer framed = {0, static_cast<std::uint8_t>(m.size() >> 16),
                   static_cast<std::uint8_t>(m.size() >> 8), static_cast<std::uint8_t>(m.size())};
  framed.insert(framed.end(), m.begin(), m.end());
  return framed;
}

// Feeds `stream` split at `split` and collects the framed messages.
template <typename Framer>
std::vector<Buffer> frame(Framer& framer, const Buffer& stream, std::size_t split) {
  std::vector<Buffer> out;
  auto collect = [&](seckit::bytes::Bytes m) { out.emplace_back(m.begin(), m.end()); };
  seckit::bytes::Bytes all(stream);
  framer.feed(all.first(split), collect);
  framer.feed(all.subspan(split), collect);
  return out;
}

}  // namespace

TEST_CASE("SMB2 SESSION_SETUP request and response give their security buffers", "[smb2]") {
  Buffer ntlm = {'N', 'T', 'L', 'M', 'S', 'S', 'P', 0, 1, 0, 0, 0};
  Buffer stream = session_setup(false, 0, ntlm);
  Buffer answer = session_setup(true, smb2::kStatusMoreProcessingRequired, {0xa1, 0x00});
  stream.insert(stream.end(), answer.begin(), answer.end());
  for (std::size_t split = 0; split <= stream.size(); ++split) {
    smb2::NbssFramer framer;
    auto messages = frame(framer, stream, split);
    REQUIRE(messages.size() == 2);
    auto request = smb2::parse_session_setup(messages[0]);
    REQUIRE(request);
    CHECK_FALSE(request->response);
    CHECK(Buffer(request->security_buffer.begin(), request->security_buffer.end()) == ntlm);
    auto response = smb2::parse_session_setup(messages[1]);
    REQUIRE(response);
    CHECK(response->response);
    CHECK(response->status == 0xc0000016);
    CHECK(response->security_buffer.size() == 2);
  }
}

TEST_CASE("SMB1, other SMB2 commands and buffers past the message are not session setups",
          "[smb2]") {
  Buffer smb1 = {0xff, 'S', 'M', 'B', 0x72};
  CHECK_FALSE(smb2::parse_session_setup(smb1));
  Buffer setup = session_setup(false, 0, {1, 2, 3});
  Buffer message(setup.begin() + 4, setup.end());
  Buffer negotiate = message;
  negotiate[12] = 0;  // Command NEGOTIATE
  CHECK_FALSE(smb2::parse_session_setup(negotiate));
  Buffer cut(message.begin(), message.end() - 1);  // the buffer runs one byte past the end
  CHECK_FALSE(smb2::parse_session_setup(cut));
}

TEST_CASE("a Direct TCP length over the limit abandons the SMB2 stream", "[smb2]") {
  smb2::NbssFramer framer(1000);
  Buffer huge = {0, 0x01, 0x00, 0x00};  // 65536 bytes announced
  int seen = 0;
  CHECK_FALSE(framer.feed(huge, [&](seckit::bytes::Bytes) { ++seen; }));
  CHECK(framer.failed());
  CHECK_FALSE(framer.feed(session_setup(false, 0, {1}), [&](seckit::bytes::Bytes) { ++seen; }));
  CHECK(seen == 0);
}

TEST_CASE("LDAP binds are framed by their BER length in any split", "[ldap]") {
  Buffer stream = ldap::encode_sasl_bind(1, "GSS-SPNEGO", Buffer(200, 0x41));  // long form
  Buffer second = ldap::encode_sicily_bind(2, 10, {'N', 'T', 'L', 'M'});       // short form
  stream.insert(stream.end(), second.begin(), second.end());
  for (std::size_t split = 0; split <= stream.size(); ++split) {
    ldap::MessageFramer framer;
    auto messages = frame(framer, stream, split);
    REQUIRE(messages.size() == 2);
    auto first = ldap::parse_message(messages[0]);
    REQUIRE(first);
    REQUIRE(*first);
    CHECK((*first)->message_id == 1);
    CHECK((*first)->credentials.size() == 200);
    auto sicily = ldap::parse_message(messages[1]);
    REQUIRE(sicily);
    REQUIRE(*sicily);
    CHECK((*sicily)->auth_kind == "sicily-negotiate");
  }
}

TEST_CASE("bytes that cannot start an LDAPMessage abandon the LDAP stream", "[ldap]") {
  ldap::MessageFramer framer;
  int seen = 0;
  CHECK_FALSE(framer.feed(Buffer{'G', 'E', 'T'}, [&](seckit::bytes::Bytes) { ++seen; }));
  CHECK(framer.failed());
  CHECK(seen == 0);
  ldap::MessageFramer small(16);
  Buffer big = ldap::encode_sasl_bind(1, "GSS-SPNEGO", Buffer(200, 0x41));
  CHECK_FALSE(small.feed(seckit::bytes::Bytes(big).first(100), [&](seckit::bytes::Bytes) {}));
}
