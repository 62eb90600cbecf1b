#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "nova/core/result.h"

namespace nova::kube {

/// Where a pod finds its service-account credentials. Tests point these at temp files.
struct InClusterPaths {
  std::string tokenFile = "/var/run/secrets/kubernetes.io/serviceaccount/token";
  std::string caFile = "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt";
  std::string namespaceFile = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";
};

/// Reads one environment variable; nullopt when unset. Injected so tests need no setenv.
using EnvLookup = std::function<std::optional<std::string>(std::string_view)>;

/// The process environment.
EnvLookup processEnv();

/// How to reach and authenticate to one API server.
struct ClusterConfig {
  /// Base URL without a trailing slash ("https://10.96.0.1:443").
  std::string server;
  /// The namespace objects default to ("default" unless the context or pod says otherwise).
  std::string defaultNamespace = "default";
  /// A bearer token given literally. Wins over tokenFile.
  std::string token;
  /// A file holding the bearer token; re-read when it rotates (see TokenSource).
  std::string tokenFile;
  /// Trusted CA bundle: a PEM file, or PEM text (which wins).
  std::string caFile;
  std::string caPem;
  /// Client certificate and key for mutual TLS: PEM files, or PEM text (which wins).
  std::string clientCertFile;
  std::string clientKeyFile;
  std::string clientCertPem;
  std::string clientKeyPem;
  bool insecureSkipTlsVerify = false;
  /// Where this came from, for messages ("in-cluster", "kubeconfig ~/.kube/config context
  /// prod").
  std::string origin;
};

/// The configuration a pod gets: server from KUBERNETES_SERVICE_HOST/PORT (an IPv6 host is
/// bracketed), the token file (kept as a path so rotation is seen), the CA file and the
/// namespace file (whitespace trimmed; "default" when absent). Fails with "not in cluster"
/// when either variable is unset, or when the token file is unreadable.
Result<ClusterConfig> inClusterConfig(const InClusterPaths& paths = {},
                                      const EnvLookup& env = processEnv());

/// Parses kubeconfig text (YAML or JSON) and resolves `context` (empty = current-context)
/// to its cluster and user. Supports server, certificate-authority(-data),
/// insecure-skip-tls-verify, token, tokenFile, client-certificate(-data) and
/// client-key(-data); `*-data` is base64 of PEM and wins over the path; relative paths are
/// taken from `baseDir`. `exec`, `auth-provider` and username/password are refused with a
/// clear error. Errors name `origin` and the missing or bad entry.
Result<ClusterConfig> parseKubeconfig(std::string_view text, std::string_view context = "",
                                      std::string_view origin = "kubeconfig",
                                      std::string_view baseDir = "");

/// Reads and parses kubeconfig files: `paths` is a colon-separated list as in $KUBECONFIG
/// (empty = $KUBECONFIG, else $HOME/.kube/config). With several files the first one that
/// names a context, cluster or user wins for that name, as kubectl merges them.
Result<ClusterConfig> loadKubeconfig(std::string_view paths = "", std::string_view context = "",
                                     const EnvLookup& env = processEnv());

}  // namespace nova::kube
