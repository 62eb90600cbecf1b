// White-box: the table from curl's results to the codes callers branch on.
#include "curl_error.h"

#include <doctest/doctest.h>

namespace nova::http::detail {

TEST_CASE("curl results map to error codes") {
  struct Case {
    CURLcode curl;
    ErrorCode code;
  };
  for (const Case& c : {
           Case{CURLE_OPERATION_TIMEDOUT, ErrorCode::kTimeout},
           Case{CURLE_COULDNT_CONNECT, ErrorCode::kTransport},
           Case{CURLE_COULDNT_RESOLVE_HOST, ErrorCode::kTransport},
           Case{CURLE_RECV_ERROR, ErrorCode::kTransport},
           Case{CURLE_SEND_ERROR, ErrorCode::kTransport},
           Case{CURLE_GOT_NOTHING, ErrorCode::kTransport},
           Case{CURLE_SSL_CONNECT_ERROR, ErrorCode::kTransport},
           Case{CURLE_PEER_FAILED_VERIFICATION, ErrorCode::kTransport},
           Case{CURLE_WEIRD_SERVER_REPLY, ErrorCode::kTransport},
           Case{CURLE_PARTIAL_FILE, ErrorCode::kTransport},
           Case{CURLE_FILESIZE_EXCEEDED, ErrorCode::kInvalidInput},
           Case{CURLE_UNSUPPORTED_PROTOCOL, ErrorCode::kInvalidInput},
           Case{CURLE_URL_MALFORMAT, ErrorCode::kInvalidInput},
           Case{CURLE_SSL_CACERT_BADFILE, ErrorCode::kInvalidInput},
           Case{CURLE_SSL_CERTPROBLEM, ErrorCode::kInvalidInput},
           Case{CURLE_TOO_MANY_REDIRECTS, ErrorCode::kInvalidInput},
           Case{CURLE_SSL_CLIENTCERT, ErrorCode::kRefused},
           Case{CURLE_LOGIN_DENIED, ErrorCode::kRefused},
           Case{CURLE_OUT_OF_MEMORY, ErrorCode::kInternal},
           Case{CURLE_WRITE_ERROR, ErrorCode::kInternal},
           Case{CURLE_BAD_FUNCTION_ARGUMENT, ErrorCode::kInternal},
       }) {
    CAPTURE(curl_easy_strerror(c.curl));
    CHECK(errorCodeFor(c.curl) == c.code);
  }
}

}  // namespace nova::http::detail
