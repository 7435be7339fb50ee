// common/asn1: a small DER/BER TLV reader on top of seckit::bytes::Reader, for the protocols
// that wrap their messages in ASN.1 (SPNEGO, Kerberos, LDAP). It only splits bytes into
// tag/length/value; meaning is the caller's. A matching DER writer builds the few requests our
// own clients send. Definite lengths only (what DER, SPNEGO, Kerberos
// and LDAP use); an indefinite length is an error, never a guess.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "seckit/bytes.hpp"
#include "seckit/result.hpp"

namespace seckit::asn1 {

using bytes::Bytes;

enum class TagClass : std::uint8_t { kUniversal = 0, kApplication = 1, kContext = 2, kPrivate = 3 };

// Universal tag numbers used by the callers.
inline constexpr std::uint32_t kBoolean = 1, kInteger = 2, kBitString = 3, kOctetString = 4,
                               kNull = 5, kOid = 6, kEnumerated = 10, kUtf8String = 12,
                               kSequence = 16, kSet = 17, kGeneralString = 27,
                               kGeneralizedTime = 24;

struct Tlv {
  TagClass tag_class = TagClass::kUniversal;
  bool constructed = false;
  std::uint32_t tag = 0;
  Bytes value;             // the content octets
  Bytes whole;             // identifier + length + content
  std::size_t offset = 0;  // absolute offset of the identifier octet

  bool is(TagClass c, std::uint32_t number) const { return tag_class == c && tag == number; }
  bool universal(std::uint32_t number) const { return is(TagClass::kUniversal, number); }
  bool context(std::uint32_t number) const { return is(TagClass::kContext, number); }
  bool application(std::uint32_t number) const { return is(TagClass::kApplication, number); }
};

// Reads one TLV at the reader's position and moves past it. Errors name the offset.
Result<Tlv> read_tlv(bytes::Reader& reader);

// Every TLV in `content` (e.g. the value of a SEQUENCE), at most max_items.
Result<std::vector<Tlv>> children(const Tlv& parent, std::size_t max_items = 4096);

// Dotted text of an OBJECT IDENTIFIER's content octets ("1.3.6.1.5.5.2").
Result<std::string> oid_text(Bytes content);
// Signed INTEGER/ENUMERATED content that fits in 64 bits.
Result<std::int64_t> integer(Bytes content);

// The child with context tag [number] among `items`, if any.
std::optional<Tlv> find_context(const std::vector<Tlv>& items, std::uint32_t number);

// Explicitly tagged fields ([n] { X }, as Kerberos and SPNEGO use them):
// the single TLV inside the wrapper; an error when it holds none or several.
Result<Tlv> unwrap_explicit(const Tlv& wrapper);
// The INTEGER inside [number] among `items`; an error when absent or not an INTEGER.
Result<std::int64_t> explicit_integer(const std::vector<Tlv>& items, std::uint32_t number);
// The children of the SEQUENCE inside the wrapper.
Result<std::vector<Tlv>> explicit_sequence(const Tlv& wrapper);

// --- writing (DER, definite lengths) ----------------------------------------------------------
using Der = std::vector<std::uint8_t>;
// One TLV with a single identifier octet (`identifier` = class | constructed | number < 31),
// e.g. 0x30 SEQUENCE, 0x04 OCTET STRING, 0xa0 [0] constructed, 0x60 [APPLICATION 0].
Der der(std::uint8_t identifier, Bytes content);
// The concatenation of already encoded TLVs (the content of a SEQUENCE).
Der der_concat(std::initializer_list<Bytes> parts);
// An OBJECT IDENTIFIER TLV from its dotted text; throws std::invalid_argument on bad text
// (the callers pass constants).
Der der_oid(const std::string& dotted);

}  // namespace seckit::asn1
