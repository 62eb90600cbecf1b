#include "nova/kube/config.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "nova/kube/token_source.h"

namespace nova::kube {

namespace {

struct TempDir {
  TempDir() {
    char pattern[] = "/tmp/nova-kube-XXXXXX";
    path = mkdtemp(pattern);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string file(const std::string& name, const std::string& content) const {
    std::string full = path + "/" + name;
    std::ofstream(full) << content;
    return full;
  }
  std::string path;
};

EnvLookup envOf(std::map<std::string, std::string> values) {
  return [values](std::string_view name) -> std::optional<std::string> {
    auto it = values.find(std::string(name));
    if (it == values.end()) {
      return std::nullopt;
    }
    return it->second;
  };
}

}  // namespace

TEST_CASE("in-cluster config reads the service-account files and the service variables") {
  TempDir dir;
  InClusterPaths paths{dir.file("token", "tok-1\n"), dir.file("ca.crt", "PEM"),
                       dir.file("namespace", " production \n")};
  auto config = inClusterConfig(
      paths, envOf({{"KUBERNETES_SERVICE_HOST", "10.96.0.1"}, {"KUBERNETES_SERVICE_PORT", "443"}}));
  REQUIRE(config.ok());
  CHECK(config->server == "https://10.96.0.1:443");
  CHECK(config->tokenFile == paths.tokenFile);
  CHECK(config->token.empty());  // kept as a file so rotation is seen
  CHECK(config->caFile == paths.caFile);
  CHECK(config->defaultNamespace == "production");

  auto v6 = inClusterConfig(
      paths, envOf({{"KUBERNETES_SERVICE_HOST", "fd00::1"}, {"KUBERNETES_SERVICE_PORT", "6443"}}));
  REQUIRE(v6.ok());
  CHECK(v6->server == "https://[fd00::1]:6443");

  auto outside = inClusterConfig(paths, envOf({{"KUBERNETES_SERVICE_HOST", "10.96.0.1"}}));
  REQUIRE_FALSE(outside.ok());
  CHECK(outside.error().code == ErrorCode::kNotFound);
  CHECK(outside.error().message ==
        "in-cluster config: not in cluster (KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT "
        "must both be set)");

  InClusterPaths noToken{dir.path + "/missing", paths.caFile, dir.path + "/no-namespace"};
  auto missing = inClusterConfig(
      noToken, envOf({{"KUBERNETES_SERVICE_HOST", "h"}, {"KUBERNETES_SERVICE_PORT", "1"}}));
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == ErrorCode::kNotFound);
  CHECK(missing.error().message == "in-cluster config: service-account token: cannot open " +
                                       dir.path + "/missing: No such file or directory");
}

constexpr const char* kKubeconfig = R"(apiVersion: v1
kind: Config
current-context: prod
clusters:
  - name: prod-cluster
    cluster:
      server: https://api.prod.example:6443/
      certificate-authority-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t
  - name: dev-cluster
    cluster:
      server: https://dev.example
      certificate-authority: certs/dev-ca.pem
      insecure-skip-tls-verify: true
users:
  - name: agent
    user:
      token: secret-token
      client-certificate-data: Y2VydA==
      client-key-data: a2V5
  - name: dev
    user:
      tokenFile: tokens/dev
      client-certificate: certs/dev.crt
      client-key: /abs/dev.key
  - name: cloud
    user:
      exec:
        command: aws
contexts:
  - name: prod
    context: {cluster: prod-cluster, user: agent, namespace: production}
  - name: dev
    context: {cluster: dev-cluster, user: dev}
  - name: eks
    context: {cluster: prod-cluster, user: cloud}
)";

TEST_CASE("kubeconfig resolves the current context, decodes *-data and resolves paths") {
  auto prod = parseKubeconfig(kKubeconfig, "", "test.yaml", "/home/ops/.kube");
  REQUIRE(prod.ok());
  CHECK(prod->server == "https://api.prod.example:6443");
  CHECK(prod->defaultNamespace == "production");
  CHECK(prod->token == "secret-token");
  CHECK(prod->caPem == "-----BEGIN CERTIFICATE-----");
  CHECK(prod->clientCertPem == "cert");
  CHECK(prod->clientKeyPem == "key");
  CHECK_FALSE(prod->insecureSkipTlsVerify);

  auto dev = parseKubeconfig(kKubeconfig, "dev", "test.yaml", "/home/ops/.kube");
  REQUIRE(dev.ok());
  CHECK(dev->defaultNamespace == "default");
  CHECK(dev->caFile == "/home/ops/.kube/certs/dev-ca.pem");
  CHECK(dev->tokenFile == "/home/ops/.kube/tokens/dev");
  CHECK(dev->clientCertFile == "/home/ops/.kube/certs/dev.crt");
  CHECK(dev->clientKeyFile == "/abs/dev.key");
  CHECK(dev->insecureSkipTlsVerify);

  auto eks = parseKubeconfig(kKubeconfig, "eks", "test.yaml");
  REQUIRE_FALSE(eks.ok());
  CHECK(eks.error().code == ErrorCode::kInvalidInput);
  CHECK(eks.error().message ==
        "test.yaml: user \"cloud\" uses \"exec\", which is not supported; use a token, tokenFile "
        "or client certificate");

  auto none = parseKubeconfig(kKubeconfig, "staging", "test.yaml");
  REQUIRE_FALSE(none.ok());
  CHECK(none.error().code == ErrorCode::kNotFound);
  CHECK(none.error().message == "test.yaml: context \"staging\" not found");

  auto bad = parseKubeconfig("clusters: [", "", "broken.yaml");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == ErrorCode::kInvalidInput);
  CHECK(bad.error().message.starts_with("broken.yaml: "));

  auto badData = parseKubeconfig(
      "current-context: x\ncontexts: [{name: x, context: {cluster: c}}]\n"
      "clusters: [{name: c, cluster: {server: s, certificate-authority-data: '%%'}}]\n",
      "", "t.yaml");
  REQUIRE_FALSE(badData.ok());
  CHECK(badData.error().code == ErrorCode::kInvalidInput);
  CHECK(badData.error().message ==
        "t.yaml: cluster \"c\": certificate-authority-data is not valid base64");

  auto dangling = parseKubeconfig(
      "current-context: x\ncontexts: [{name: x, context: {cluster: nowhere}}]\n", "", "t.yaml");
  REQUIRE_FALSE(dangling.ok());
  CHECK(dangling.error().code == ErrorCode::kInvalidInput);
  CHECK(dangling.error().message ==
        "t.yaml: context \"x\" names cluster \"nowhere\", which is not defined");
}

TEST_CASE("kubeconfig errors name the file and the entry, with a code") {
  struct Case {
    const char* text;
    const char* message;
  };
  const Case cases[] = {
      {"clusters: []\n", "k.yaml: no current-context and no context given"},
      {"current-context: x\ncontexts: [{name: x, context: {cluster: c}}]\n"
       "clusters: [{name: c, cluster: {insecure-skip-tls-verify: true}}]\n",
       "k.yaml: cluster \"c\" has no server"},
      {"current-context: x\ncontexts: [{name: x, context: {cluster: c, user: u}}]\n"
       "clusters: [{name: c, cluster: {server: s}}]\n",
       "k.yaml: context \"x\" names user \"u\", which is not defined"},
  };
  for (const auto& c : cases) {
    auto parsed = parseKubeconfig(c.text, "", "k.yaml");
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().code == ErrorCode::kInvalidInput);
    CHECK(parsed.error().message == c.message);
  }
  TempDir dir;
  const std::string broken = dir.file("broken", "clusters: [");
  auto loaded = loadKubeconfig(broken, "", envOf({}));
  REQUIRE_FALSE(loaded.ok());
  CHECK(loaded.error().code == ErrorCode::kInvalidInput);
  CHECK(loaded.error().message.starts_with("kubeconfig " + broken + ": "));
}

TEST_CASE("KUBECONFIG lists merge with the first definition of a name winning") {
  TempDir dir;
  std::string first = dir.file("a.yaml", R"(current-context: a
contexts: [{name: a, context: {cluster: c, user: u, namespace: first}}]
clusters: [{name: c, cluster: {server: "https://first"}}]
)");
  std::string second = dir.file("b.yaml", R"(current-context: b
contexts: [{name: a, context: {cluster: c, user: u, namespace: second}}]
clusters: [{name: c, cluster: {server: "https://second"}}]
users: [{name: u, user: {token: from-b}}]
)");
  auto merged = loadKubeconfig("", "", envOf({{"KUBECONFIG", first + ":" + second}}));
  REQUIRE(merged.ok());
  CHECK(merged->server == "https://first");
  CHECK(merged->defaultNamespace == "first");
  CHECK(merged->token == "from-b");

  auto home = loadKubeconfig("", "", envOf({{"HOME", dir.path}}));
  REQUIRE_FALSE(home.ok());
  CHECK(home.error().code == ErrorCode::kNotFound);
  CHECK(home.error().message ==
        "kubeconfig: cannot open " + dir.path + "/.kube/config: No such file or directory");

  auto unset = loadKubeconfig("", "", envOf({}));
  REQUIRE_FALSE(unset.ok());
  CHECK(unset.error().code == ErrorCode::kNotFound);
  CHECK(unset.error().message == "kubeconfig: neither KUBECONFIG nor HOME is set");

  auto zero = loadKubeconfig("/dev/zero", "", envOf({}));
  REQUIRE_FALSE(zero.ok());
  CHECK(zero.error().code == ErrorCode::kInvalidInput);  // bounded: never reads it all
}

TEST_CASE("a token file is re-read once its reload interval passes, and at once after a 401") {
  TempDir dir;
  std::string path = dir.file("token", "first\n");
  ManualClock clock(1000);
  auto tokens = TokenSource::file(path, clock, kMinute);
  CHECK(*tokens.token() == "first");

  dir.file("token", "second");
  CHECK(*tokens.token() == "first");  // cached within the interval
  clock.advance(kMinute);
  CHECK(*tokens.token() == "second");

  dir.file("token", "");  // kubelet mid-rotation: keep the old token
  clock.advance(kMinute);
  CHECK(*tokens.token() == "second");

  dir.file("token", "third");
  CHECK(tokens.reloadAfterUnauthorized());
  CHECK(*tokens.token() == "third");
  CHECK_FALSE(tokens.reloadAfterUnauthorized());  // same token: no point retrying

  auto fixed = TokenSource::fixed("abc");
  CHECK(*fixed.token() == "abc");
  CHECK_FALSE(fixed.reloadAfterUnauthorized());

  auto never = TokenSource::file(dir.path + "/absent", clock);
  auto absent = never.token();
  REQUIRE_FALSE(absent.ok());
  CHECK(absent.error().code == ErrorCode::kNotFound);
  CHECK(absent.error().message ==
        "token file: cannot open " + dir.path + "/absent: No such file or directory");

  auto empty = TokenSource::file(dir.file("empty", " \n"), clock);
  REQUIRE_FALSE(empty.token().ok());
  CHECK(empty.token().error().code == ErrorCode::kInvalidInput);
  CHECK(empty.token().error().message == "token file " + dir.path + "/empty: empty");
}

}  // namespace nova::kube
