#include "tls.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <stdexcept>

namespace nova::hostile::detail {
namespace {

struct KeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct CertFree {
  void operator()(X509* p) const { X509_free(p); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, KeyFree>;
using CertPtr = std::unique_ptr<X509, CertFree>;

void require(bool ok, const char* what) {
  if (!ok) {
    throw std::runtime_error(std::string("hostile peer TLS: ") + what + " failed");
  }
}

KeyPtr makeKey() {
  KeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  require(key != nullptr, "EC key generation");
  return key;
}

void addSubjectAltName(X509* cert) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, "IP:127.0.0.1");
  require(ext != nullptr, "subjectAltName");
  const bool added = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  require(added, "adding subjectAltName");
}

CertPtr makeCertificate(EVP_PKEY* key) {
  CertPtr cert(X509_new());
  require(cert != nullptr, "X509_new");
  X509* c = cert.get();
  require(X509_set_version(c, 2) == 1, "X509_set_version");
  require(ASN1_INTEGER_set(X509_get_serialNumber(c), 1) == 1, "serial number");
  require(X509_gmtime_adj(X509_getm_notBefore(c), -60) != nullptr, "notBefore");
  require(X509_gmtime_adj(X509_getm_notAfter(c), 24 * 3600) != nullptr, "notAfter");
  require(X509_set_pubkey(c, key) == 1, "X509_set_pubkey");
  X509_NAME* name = X509_get_subject_name(c);
  const auto* cn = reinterpret_cast<const unsigned char*>("127.0.0.1");
  require(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, cn, -1, -1, 0) == 1, "subject");
  require(X509_set_issuer_name(c, name) == 1, "issuer");
  addSubjectAltName(c);
  require(X509_sign(c, key, EVP_sha256()) > 0, "X509_sign");
  return cert;
}

std::string toPem(X509* cert) {
  BIO* bio = BIO_new(BIO_s_mem());
  require(bio != nullptr, "BIO_new");
  const bool ok = PEM_write_bio_X509(bio, cert) == 1;
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string pem = ok ? std::string(data, static_cast<std::size_t>(size)) : std::string();
  BIO_free(bio);
  require(ok, "PEM_write_bio_X509");
  return pem;
}

}  // namespace

TlsContext::TlsContext() {
  KeyPtr key = makeKey();
  CertPtr cert = makeCertificate(key.get());
  pem_ = toPem(cert.get());
  ctx_ = SSL_CTX_new(TLS_server_method());
  require(ctx_ != nullptr, "SSL_CTX_new");
  if (SSL_CTX_use_certificate(ctx_, cert.get()) != 1 ||
      SSL_CTX_use_PrivateKey(ctx_, key.get()) != 1) {
    SSL_CTX_free(ctx_);
    ctx_ = nullptr;
    require(false, "loading the certificate");
  }
}

TlsContext::~TlsContext() {
  SSL_CTX_free(ctx_);
}

}  // namespace nova::hostile::detail
