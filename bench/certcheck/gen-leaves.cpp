// bench/certcheck/gen-leaves OUTDIR COUNT: COUNT distinct TLS server certificates for the
// certcheck million-file run, fast. One EC P-256 CA (OUTDIR/ca.pem) signs every leaf; every leaf
// shares one P-256 key (key generation would dominate) and differs in serial number and subject
// CN, so each file has its own fingerprint (-r deduplication must not collapse them). Files go
// to OUTDIR/certs/dNNNN/cN.pem, 1000 per directory. ECDSA signing through OpenSSL is a few tens
// of microseconds, so a million certificates take about a minute instead of hours of
// `openssl ca`. Built by bench/certcheck/run with `c++ -O2 gen-leaves.cpp -lcrypto`.
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>

namespace {

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "gen-leaves: %s\n", what);
  std::exit(2);
}

EVP_PKEY* ec_key() {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  if (!key) die("cannot generate a P-256 key");
  return key;
}

void add_ext(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (!ext || !X509_add_ext(cert, ext, -1)) die("cannot add an extension");
  X509_EXTENSION_free(ext);
}

void set_cn(X509_NAME* name, const std::string& cn) {
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
}

X509* make_ca(EVP_PKEY* key) {
  X509* ca = X509_new();
  X509_set_version(ca, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(ca), 1);
  set_cn(X509_get_subject_name(ca), "bench EC CA");
  X509_set_issuer_name(ca, X509_get_subject_name(ca));
  X509_gmtime_adj(X509_getm_notBefore(ca), -86400);
  X509_gmtime_adj(X509_getm_notAfter(ca), 3650L * 86400);
  X509_set_pubkey(ca, key);
  add_ext(ca, ca, NID_basic_constraints, "critical,CA:TRUE");
  add_ext(ca, ca, NID_key_usage, "critical,keyCertSign,cRLSign");
  add_ext(ca, ca, NID_subject_key_identifier, "hash");
  if (!X509_sign(ca, key, EVP_sha256())) die("cannot sign the CA");
  return ca;
}

void write_pem(const std::string& path, X509* cert) {
  FILE* f = std::fopen(path.c_str(), "w");
  if (!f || !PEM_write_X509(f, cert) || std::fclose(f) != 0) die("cannot write a certificate");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) die("usage: gen-leaves OUTDIR COUNT");
  std::string dir = argv[1];
  long count = std::atol(argv[2]);
  EVP_PKEY* ca_key = ec_key();
  EVP_PKEY* leaf_key = ec_key();
  X509* ca = make_ca(ca_key);
  ::mkdir(dir.c_str(), 0755);
  ::mkdir((dir + "/certs").c_str(), 0755);
  write_pem(dir + "/ca.pem", ca);

  // One template: only serial, subject and signature change per certificate.
  X509* leaf = X509_new();
  X509_set_version(leaf, 2);
  X509_set_issuer_name(leaf, X509_get_subject_name(ca));
  X509_gmtime_adj(X509_getm_notBefore(leaf), -86400);
  X509_gmtime_adj(X509_getm_notAfter(leaf), 825L * 86400);
  X509_set_pubkey(leaf, leaf_key);
  add_ext(leaf, ca, NID_basic_constraints, "CA:FALSE");
  add_ext(leaf, ca, NID_key_usage, "critical,digitalSignature");
  add_ext(leaf, ca, NID_ext_key_usage, "serverAuth");
  add_ext(leaf, ca, NID_subject_alt_name, "DNS:leaf.bench.test");
  add_ext(leaf, ca, NID_authority_key_identifier, "keyid");
  const EVP_MD* sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  for (long i = 0; i < count; ++i) {
    std::string sub = dir + "/certs/d" + std::to_string(i / 1000);
    if (i % 1000 == 0) ::mkdir(sub.c_str(), 0755);
    ASN1_INTEGER_set_int64(X509_get_serialNumber(leaf), 0x100000 + i);
    X509_NAME* name = X509_NAME_new();
    set_cn(name, "leaf-" + std::to_string(i) + ".bench.test");
    X509_set_subject_name(leaf, name);
    X509_NAME_free(name);
    if (!X509_sign(leaf, ca_key, sha256)) die("cannot sign a leaf");
    write_pem(sub + "/c" + std::to_string(i) + ".pem", leaf);
  }
  return 0;
}
