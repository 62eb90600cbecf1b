// The real kubectl against the fake API server: the runbook's own commands, over TLS with a
// bearer token (kubectl sends tokens over TLS only), plus the RBAC and failed-test answers
// as kubectl prints them. A missing kubectl or openssl fails the test: CI installs them.
#include <doctest/doctest.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "nova/core/files.h"
#include "nova/fake_kube/fake_kube.h"
#include "nova/testing/child_process.h"
#include "nova/testing/tools.h"

namespace nova::fake_kube {

namespace json = boost::json;

namespace {

using Run = nova::testing::RunResult;

// A shell line (the runbook's commands are written as such), stdout and stderr together,
// bounded at 60 s.
Run run(const std::string& command) {
  return nova::testing::run({"/bin/sh", "-c", command}, 60 * kSecond, "Debian's dash");
}

// The file's text, or "" while it does not exist yet.
std::string readText(const std::string& path) {
  auto text = readFile(path, 1 << 20);
  return text.ok() ? *text : "";
}

// A scratch HOME (kubectl caches discovery there) and a self-signed certificate for 127.0.0.1.
struct Scratch {
  Scratch() {
    char pattern[] = "/tmp/nova-kubectl-XXXXXX";
    dir = mkdtemp(pattern);
    cert = dir + "/server.crt";
    key = dir + "/server.key";
    auto made =
        run("openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 "
            "-addext subjectAltName=IP:127.0.0.1 -keyout " +
            key + " -out " + cert);
    REQUIRE_MESSAGE(made.status == 0, made.output);
  }
  ~Scratch() { std::filesystem::remove_all(dir); }
  std::string dir, cert, key;
};

// Throws (the test fails) naming what to install when kubectl or openssl is missing.
void requireTools() {
  nova::testing::requireTool("kubectl", "kubectl");
  nova::testing::requireTool("openssl", "Debian's openssl");
}

struct Kubectl {
  std::string prefix;
  Run operator()(const std::string& args) const { return run(prefix + " " + args); }
};

Kubectl kubectlFor(const Scratch& scratch, const FakeKube& server, const std::string& token) {
  return {"HOME=" + scratch.dir + " kubectl --server " + server.url() + " --token " + token +
          " --certificate-authority " + scratch.cert + " --request-timeout 10s"};
}

// The fake over TLS accepting token "secret-token", started with `options`.
std::unique_ptr<FakeKube> startTls(const Scratch& scratch, Options options = {}) {
  options.tokens = {"secret-token"};
  options.tlsCertFile = scratch.cert;
  options.tlsKeyFile = scratch.key;
  auto started = FakeKube::start(options);
  REQUIRE(started.ok());
  return std::move(started).value();
}

std::string seed() {
  return readText(std::string(NOVA_SOURCE_DIR) + "/tests/integration/kube/data/production.yaml");
}

}  // namespace

TEST_CASE("kubectl runs the runbook's rollback commands against the fake") {
  requireTools();
  Scratch scratch;
  Options options;
  options.readyDelay = 100;
  auto server = startTls(scratch, options);
  REQUIRE(server->seed(seed()).ok());
  auto kubectl = kubectlFor(scratch, *server, "secret-token");

  // Option 1 of the runbook, verbatim.
  auto patched = kubectl(
      "patch ingress api-ingress -n production --type json -p '[{\"op\": \"replace\", \"path\": "
      "\"/spec/rules/0/http/paths/0/backend/service/name\", \"value\": \"user-service-blue\"}]'");
  CHECK_MESSAGE(patched.status == 0, patched.output);
  CHECK(patched.output.find("ingress.networking.k8s.io/api-ingress patched") != std::string::npos);

  auto got = kubectl("get ingress api-ingress -n production -o json");
  REQUIRE_MESSAGE(got.status == 0, got.output);
  auto ingress = json::parse(got.output);
  CHECK(ingress.at_pointer("/spec/rules/0/http/paths/0/backend/service/name") ==
        "user-service-blue");
  CHECK(ingress.at_pointer("/metadata/generation") == 2);

  auto scaled = kubectl("scale deployment user-service-blue -n production --replicas=3");
  CHECK_MESSAGE(scaled.status == 0, scaled.output);
  CHECK(scaled.output.find("deployment.apps/user-service-blue scaled") != std::string::npos);
  auto blue = server->object("deployments", "production", "user-service-blue");
  CHECK(blue->at_pointer("/spec/replicas") == 3);

  auto waited = kubectl("rollout status deployment/user-service-blue -n production --timeout=10s");
  CHECK_MESSAGE(waited.status == 0, waited.output);

  // The same patch again with a test that no longer holds: kubectl shows the 422 as the real
  // API server's answer reads.
  auto failedTest = kubectl(
      "patch ingress api-ingress -n production --type json -p '[{\"op\": \"test\", \"path\": "
      "\"/spec/rules/0/http/paths/0/backend/service/name\", \"value\": \"user-service-green\"}]'");
  CHECK(failedTest.status != 0);
  CHECK(failedTest.output.find("the server rejected our request due to an error in our request") !=
        std::string::npos);

  server->forbid("patch", "ingresses");
  auto forbidden = kubectl("patch ingress api-ingress -n production --type merge -p '{}'");
  CHECK(forbidden.status != 0);
  CHECK(forbidden.output.find(
            "Error from server (Forbidden): ingresses.networking.k8s.io \"api-ingress\" is "
            "forbidden: User \"system:serviceaccount:production:nova-agent\" cannot patch "
            "resource \"ingresses\" in API group \"networking.k8s.io\" in the namespace "
            "\"production\"") != std::string::npos);

  auto denied = kubectlFor(scratch, *server, "stale")("get ingress api-ingress -n production");
  CHECK(denied.status != 0);
  CHECK(denied.output.find("Unauthorized") != std::string::npos);
}

TEST_CASE("kubectl creates, lists (by label, in pages) and deletes through the fake") {
  requireTools();
  Scratch scratch;
  auto server = startTls(scratch);
  auto kubectl = kubectlFor(scratch, *server, "secret-token");

  const std::string leases = scratch.dir + "/leases.yaml";
  std::ofstream(leases) << R"(apiVersion: coordination.k8s.io/v1
kind: Lease
metadata: {name: a, namespace: agents, labels: {role: leader}}
spec: {holderIdentity: agent-a, leaseDurationSeconds: 15}
---
apiVersion: coordination.k8s.io/v1
kind: Lease
metadata: {name: b, namespace: agents, labels: {role: follower}}
---
apiVersion: coordination.k8s.io/v1
kind: Lease
metadata: {name: c, namespace: agents, labels: {role: leader}}
)";
  // The fake serves no OpenAPI schemas, so kubectl's client-side validation is off; the
  // server still refuses what it would refuse.
  auto created = kubectl("create --validate=false -f " + leases);
  CHECK_MESSAGE(created.status == 0, created.output);
  CHECK(created.output ==
        "lease.coordination.k8s.io/a created\nlease.coordination.k8s.io/b created\n"
        "lease.coordination.k8s.io/c created\n");
  auto stored = server->object("leases", "agents", "a");
  REQUIRE(stored.has_value());
  CHECK(stored->at_pointer("/spec/holderIdentity") == "agent-a");

  auto leaders = kubectl("get leases -n agents -l role=leader -o name");
  CHECK_MESSAGE(leaders.status == 0, leaders.output);
  CHECK(leaders.output == "lease.coordination.k8s.io/a\nlease.coordination.k8s.io/c\n");

  // One item per page: kubectl follows the continue tokens to the end.
  server->clearRequests();
  auto paged = kubectl("get leases -n agents --chunk-size=1 -o name");
  CHECK_MESSAGE(paged.status == 0, paged.output);
  CHECK(paged.output ==
        "lease.coordination.k8s.io/a\nlease.coordination.k8s.io/b\n"
        "lease.coordination.k8s.io/c\n");
  int pages = 0;
  for (const auto& r : server->requests()) {
    pages += r.method == "GET" && r.path == "/apis/coordination.k8s.io/v1/namespaces/agents/leases";
  }
  CHECK(pages == 3);

  auto again = kubectl("create --validate=false -f " + leases);
  CHECK(again.status != 0);
  CHECK(again.output.find("Error from server (AlreadyExists): error when creating \"" + leases +
                          "\": leases.coordination.k8s.io \"a\" already exists") !=
        std::string::npos);

  auto deleted = kubectl("delete lease b -n agents");
  CHECK_MESSAGE(deleted.status == 0, deleted.output);
  CHECK(deleted.output == "lease.coordination.k8s.io \"b\" deleted\n");
  CHECK_FALSE(server->object("leases", "agents", "b").has_value());

  auto missing = kubectl("delete lease b -n agents");
  CHECK(missing.status != 0);
  CHECK(missing.output.find("Error from server (NotFound): leases.coordination.k8s.io \"b\" not "
                            "found") != std::string::npos);
}

TEST_CASE("the fake-kube-apiserver binary serves kubectl from a seed file") {
  requireTools();
  Scratch scratch;
  const std::string seedFile =
      std::string(NOVA_SOURCE_DIR) + "/tests/integration/kube/data/production.yaml";
  nova::testing::ChildProcess server(
      {.argv = {NOVA_FAKE_KUBE_BIN, "--token", "T", "--tls-cert", scratch.cert, "--tls-key",
                scratch.key, "--seed", seedFile}});
  const std::string line = server.waitForLine("listening on ", 5 * kSecond);
  const auto at = line.find("listening on ");
  const std::string url = at == std::string::npos ? "" : line.substr(at + 13);
  REQUIRE_FALSE(url.empty());
  auto got = run("HOME=" + scratch.dir + " kubectl --server " + url +
                 " --token T --insecure-skip-tls-verify get httproute api-route -n production -o "
                 "jsonpath='{.spec.rules[0].backendRefs[1].weight}'");
  CHECK_MESSAGE(got.status == 0, got.output);
  CHECK(got.output == "100");
  CHECK(server.stop(5 * kSecond, SIGTERM) == 0);
}

}  // namespace nova::fake_kube
