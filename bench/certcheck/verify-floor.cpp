// bench/certcheck/verify-floor CAFILE LEAF...: the least an OpenSSL 3.0 verifier does per leaf,
// as a yardstick for certcheck's ratio to `openssl verify`. Each file is read with one read(),
// its one PEM block decoded with PEM_read_bio and parsed with d2i_X509, and verified with
// X509_verify_cert (purpose sslserver) on one X509_STORE and one reused X509_STORE_CTX. Nothing
// is printed but the count. With OpenSSL 3.0, d2i_X509 decodes the subjectPublicKeyInfo through
// OSSL_DECODER_CTX_new_for_pkey, which enumerates every decoder and key manager of the library
// context for each certificate; no public API skips it, and the chain builder needs the leaf's key
// (X509_self_signed), so every verifier pays it once per leaf. Built by bench/certcheck/run with
// `c++ -O2 verify-floor.cpp -lcrypto`.
#include <fcntl.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <cstdio>
#include <string>

namespace {

std::string read_all(const char* path) {
  std::string data;
  int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return data;
  char buffer[16384];
  for (ssize_t n; (n = ::read(fd, buffer, sizeof buffer)) > 0;) {
    data.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return data;
}

X509* parse_pem(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  char* name = nullptr;
  char* header = nullptr;
  unsigned char* der = nullptr;
  long length = 0;
  X509* cert = nullptr;
  if (PEM_read_bio(bio, &name, &header, &der, &length) == 1) {
    const unsigned char* p = der;
    cert = d2i_X509(nullptr, &p, length);
  }
  OPENSSL_free(name);
  OPENSSL_free(header);
  OPENSSL_free(der);
  BIO_free(bio);
  return cert;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: verify-floor CAFILE LEAF...\n");
    return 2;
  }
  X509_STORE* store = X509_STORE_new();
  if (X509_STORE_load_file(store, argv[1]) != 1) {
    std::fprintf(stderr, "verify-floor: cannot load %s\n", argv[1]);
    return 2;
  }
  X509_STORE_CTX* ctx = X509_STORE_CTX_new();
  int good = 0;
  int bad = 0;
  for (int i = 2; i < argc; ++i) {
    X509* leaf = parse_pem(read_all(argv[i]));
    if (leaf && X509_STORE_CTX_init(ctx, store, leaf, nullptr) == 1) {
      X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_SERVER);
      (X509_verify_cert(ctx) == 1 ? good : bad) += 1;
      X509_STORE_CTX_cleanup(ctx);
    } else {
      ++bad;
    }
    X509_free(leaf);
  }
  X509_STORE_CTX_free(ctx);
  X509_STORE_free(store);
  std::printf("%d OK, %d failed\n", good, bad);
  return bad == 0 ? 0 : 1;
}
