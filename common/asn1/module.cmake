# common/asn1: DER/BER TLV reader (SPNEGO, Kerberos, LDAP BER) over seckit::bytes::Reader.
seckit_module(asn1 SOURCES asn1/asn1.cpp DEPS seckit::bytes fmt::fmt)
