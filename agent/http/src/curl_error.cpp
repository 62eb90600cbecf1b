#include "curl_error.h"

namespace nova::http::detail {

ErrorCode errorCodeFor(CURLcode code) {
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return ErrorCode::kTimeout;
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_FILESIZE_EXCEEDED:
    case CURLE_TOO_MANY_REDIRECTS:
    case CURLE_BAD_CONTENT_ENCODING:
    // Local TLS material (CA bundle, client certificate, CRL) that does not load is a
    // configuration error: retrying cannot help.
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
      return ErrorCode::kInvalidInput;
    case CURLE_LOGIN_DENIED:
    case CURLE_REMOTE_ACCESS_DENIED:
    case CURLE_AUTH_ERROR:
    case CURLE_SSL_CLIENTCERT:
      return ErrorCode::kRefused;
    case CURLE_OUT_OF_MEMORY:
    case CURLE_WRITE_ERROR:
    case CURLE_READ_ERROR:
    case CURLE_ABORTED_BY_CALLBACK:
    case CURLE_BAD_FUNCTION_ARGUMENT:
    case CURLE_UNKNOWN_OPTION:
    case CURLE_SETOPT_OPTION_SYNTAX:
    case CURLE_NOT_BUILT_IN:
    case CURLE_FAILED_INIT:
    case CURLE_RECURSIVE_API_CALL:
    case CURLE_FUNCTION_NOT_FOUND:
      return ErrorCode::kInternal;
    default:
      // DNS, connect, reset, send/receive, empty or garbled reply, TLS handshake and
      // verification, HTTP/2 framing, proxy: the exchange failed below the protocol.
      return ErrorCode::kTransport;
  }
}

}  // namespace nova::http::detail
