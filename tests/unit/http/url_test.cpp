#include "nova/http/url.h"

#include <doctest/doctest.h>

namespace nova::http {

TEST_CASE("Url::parse accepts http and https URLs with a host and names what is wrong") {
  auto ok = Url::parse("https://hooks.example:8443/services/T1?x=1");
  REQUIRE(ok.ok());
  CHECK(ok->scheme() == "https");
  CHECK(ok->host() == "hooks.example");
  CHECK(ok->port() == 8443);
  CHECK(ok->encodedPath() == "/services/T1");
  CHECK(ok->str() == "https://hooks.example:8443/services/T1?x=1");
  auto parts = Url::parse("https://u:p%40ss@h/a/b%2Fc?k=v%20w&flag&t=");
  REQUIRE(parts.ok());
  CHECK(parts->encodedSegments() == std::vector<std::string>{"a", "b%2Fc"});
  CHECK(parts->encodedParamValues() == std::vector<std::string>{"v%20w", "", ""});
  CHECK(parts->encodedPassword() == "p%40ss");
  CHECK(Url::parse("https://h/")->encodedPassword().empty());
  CHECK(Url::parse("http://[::1]/")->host() == "[::1]");
  CHECK(Url::parse("http://127.0.0.1/")->port() == 80);
  CHECK(Url::parse("https://h")->port() == 443);

  struct Case {
    const char* text;
    const char* message;
  };
  for (const Case& c : {
           Case{"gopher://SECRETPART/x", "scheme \"gopher\" is not http or https"},
           Case{"http:///path", "no host"},
           Case{"http:/relative", "no host"},
           Case{"hooks.example/x",
                "not an absolute URL (expected http://host[:port]/path or "
                "https://...)"},
           Case{"http://h/a b",
                "not an absolute URL (expected http://host[:port]/path or "
                "https://...)"},
           Case{"", "not an absolute URL (expected http://host[:port]/path or https://...)"},
       }) {
    CAPTURE(std::string(c.text));
    auto bad = Url::parse(c.text);
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().code == ErrorCode::kInvalidInput);
    CHECK(bad.error().message == c.message);
  }
}

TEST_CASE("withSegments appends percent-encoded segments without doubling a slash") {
  for (const char* base : {"http://am:9093", "http://am:9093/"}) {
    CAPTURE(base);
    CHECK(Url::parse(base)->withSegments({"api", "v2", "alerts"}).str() ==
          "http://am:9093/api/v2/alerts");
  }
  CHECK(Url::parse("http://am:9093/prefix/")->withSegments({"api", "v2"}).str() ==
        "http://am:9093/prefix/api/v2");
  CHECK(Url::parse("http://k/api/v1/namespaces")->withSegments({"prod/x", "a b?#%"}).str() ==
        "http://k/api/v1/namespaces/prod%2Fx/a%20b%3F%23%25");
  CHECK(Url::parse("http://k/?a=1")->withSegments({"x"}).str() == "http://k/x?a=1");
}

TEST_CASE("withParam percent-encodes key and value") {
  CHECK(Url::parse("http://am:9093/api/v2/alerts")
            ->withParam("filter", "incident_id=\"1-1\"")
            .withParam("active", "true")
            .str() == "http://am:9093/api/v2/alerts?filter=incident_id=%221-1%22&active=true");
  CHECK(Url::parse("http://h/")->withParam("q", "a&b c").str() == "http://h/?q=a%26b%20c");
}

TEST_CASE("join appends a path and query to the base's path; an absolute URL stands alone") {
  for (const char* base : {"http://g:8081", "http://g:8081/", "http://g:8081//"}) {
    CAPTURE(base);
    const Url url = *Url::parse(base);
    CHECK(url.join("/api/streams?id=7")->str() == "http://g:8081/api/streams?id=7");
    CHECK(url.join("api/streams")->str() == "http://g:8081/api/streams");
    CHECK(url.join("")->str() == "http://g:8081/");
  }
  CHECK(Url::parse("http://g/v1/")->join("/streams")->str() == "http://g/v1/streams");
  CHECK(Url::parse("https://u:p@g:8443/v1#f")->join("s")->str() == "https://u:p@g:8443/v1/s");
  CHECK(Url::parse("http://g/v1?a=1")->join("s?b=2")->str() == "http://g/v1/s?a=1&b=2");
  CHECK(Url::parse("http://g/v1")->join("https://other/x?y")->str() == "https://other/x?y");
  for (const char* bad : {"/a b", "//other/x", "ftp://other/x", "green:8081/x"}) {
    CAPTURE(bad);
    auto joined = Url::parse("http://g/")->join(bad);
    REQUIRE_FALSE(joined.ok());
    CHECK(joined.error().code == ErrorCode::kInvalidInput);
    CHECK(joined.error().message == "not a path or an absolute http or https URL");
  }
}

TEST_CASE("percentEncode keeps only RFC 3986's unreserved characters") {
  CHECK(percentEncode("green-1.prod_x~") == "green-1.prod_x~");
  CHECK(percentEncode("a/b c?d#e&f=g+h%") == "a%2Fb%20c%3Fd%23e%26f%3Dg%2Bh%25");
  CHECK(percentEncode("app in (web),tier!=db") == "app%20in%20%28web%29%2Ctier%21%3Ddb");
  CHECK(percentEncode("\xc3\xa9") == "%C3%A9");
  CHECK(percentEncode("").empty());
}

TEST_CASE("redacted() hides passwords, webhook tokens, credential parameters and fragments") {
  struct Case {
    const char* url;
    const char* shown;
  };
  for (const Case& c : {
           Case{"http://127.0.0.1:9093/api/v2/alerts", "http://127.0.0.1:9093/api/v2/alerts"},
           Case{"https://user:hunter2@am.example/", "https://user:<redacted>@am.example/"},
           Case{"https://user@am.example/", "https://user@am.example/"},
           Case{"https://hooks.slack.com/services/T0001/B0002/XXXXSECRETXXXX",
                "https://hooks.slack.com/services/<redacted>"},
           Case{"https://chat.example/hooks/abc123def456", "https://chat.example/hooks/<redacted>"},
           Case{"https://discord.example/api/webhooks/123/tok",
                "https://discord.example/api/webhooks/<redacted>"},
           Case{"https://x.example/services", "https://x.example/services"},
           Case{"https://x.example/e?routing_key=R0UT&Access_Token=a&api-KEY=b&sig=c&page=2&flag",
                "https://x.example/e?routing_key=<redacted>&Access_Token=<redacted>&api-KEY="
                "<redacted>&sig=<redacted>&page=2&flag"},
           Case{"https://x.example/p#access_token=abc", "https://x.example/p#<redacted>"},
           Case{"file:///etc/passwd", "file:///etc/passwd"},
           Case{"not a url", "<invalid URL>"},
       }) {
    CAPTURE(std::string(c.url));
    CHECK(redactUrl(c.url) == c.shown);
  }
  auto url = Url::parse("https://u:pw12345@hooks.slack.com/services/T/B/S?token=t");
  REQUIRE(url.ok());
  CHECK(url->redacted() ==
        "https://u:<redacted>@hooks.slack.com/services/<redacted>?token=<redacted>");
  CHECK(url->origin() == "https://hooks.slack.com");
  CHECK(Url::parse("http://h:8080/x")->origin() == "http://h:8080");
}

}  // namespace nova::http
