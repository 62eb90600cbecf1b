#pragma once

#include <memory>
#include <string>

using SSL_CTX = struct ssl_ctx_st;

namespace nova::hostile::detail {

/// A TLS server context with a fresh self-signed P-256 certificate for 127.0.0.1 (subject
/// and subjectAltName IP), valid for a day. Nobody's store trusts it, so a verifying client
/// fails the handshake; a client given certificatePem() as its CA file succeeds.
class TlsContext {
 public:
  /// Throws std::runtime_error when OpenSSL cannot make the key or certificate.
  TlsContext();
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  SSL_CTX* get() const { return ctx_; }
  const std::string& certificatePem() const { return pem_; }

 private:
  SSL_CTX* ctx_ = nullptr;
  std::string pem_;
};

}  // namespace nova::hostile::detail
