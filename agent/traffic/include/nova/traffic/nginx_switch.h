#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "nova/core/clock.h"
#include "nova/core/result.h"
#include "nova/core/time.h"
#include "nova/traffic/switch.h"
#include "nova/traffic/weighted_switch.h"

namespace nova::traffic {

/// The settings of `switch: {type: nginx, ...}`. nginx proxies to an upstream block whose
/// servers come from an include file the switch owns:
///
///   upstream nova_user_service { include /run/nova/upstream.conf; keepalive 32; }
///
/// The include holds one `server HOST:PORT;` line: green's address while green serves,
/// blue's after a rollback; or, while blue and green share traffic, one line each with
/// `weight=N`.
struct NginxSwitchOptions {
  /// The upstream include file (`upstream_file`), rewritten whole on every flip.
  std::string upstreamFile;
  /// Blue's and green's addresses as nginx names them (`blue`, `green`: "127.0.0.1:8081").
  std::string blue;
  std::string green;
  /// How nginx is told to reload: SIGHUP to the master whose pid is in `pid_file`, or the
  /// command in `reload_command` (split on spaces, no shell: "nginx -p /srv/x -c
  /// /srv/x/nginx.conf -s reload"). Exactly one of the two is set.
  std::string pidFile;
  std::vector<std::string> reloadCommand;
  /// A URL through nginx (`verify_url`); after a reload the switch requests it on fresh
  /// connections until the answer carries `verifyHeader: verifyValue` (`verify_header`,
  /// default X-Nova-Color; `verify_value`, default blue).
  std::string verifyUrl;
  std::string verifyHeader = "X-Nova-Color";
  std::string verifyValue = "blue";
  /// The value of verifyHeader that proves green answers, after the forward move
  /// (`verify_green_value`, default green).
  std::string verifyGreenValue = "green";
  /// Blue's own health endpoint (`blue_health_url`, default http://<blue>/health); it must
  /// answer 200 with a JSON object whose "status" is "healthy" before traffic moves. The
  /// blue guard that makeSwitch puts in front of the switch checks it, not the switch.
  std::string blueHealthUrl;
  /// Bounds in ms: the wait for blue through nginx after the reload (`verify_timeout`,
  /// default 5s), the blue health check (`health_timeout`, 2s), the reload command
  /// (`reload_timeout`, 5s).
  DurationMs verifyTimeout = 5 * kSecond;
  DurationMs healthTimeout = 2 * kSecond;
  DurationMs reloadTimeout = 5 * kSecond;
};

/// Validates the `switch:` settings of type nginx. Errors name the setting ("switch:
/// nginx setting \"verify_timeout\": ...") or list the known ones for an unknown key.
Result<NginxSwitchOptions> parseNginxSettings(const std::map<std::string, std::string>& settings);

/// Moves traffic back to blue behind a local nginx: writes the upstream include atomically
/// and durably (temporary file in the same folder, fsync, rename), reloads nginx and waits
/// until responses through nginx come from blue. nginx's graceful reload lets old workers
/// finish what they serve, so clients see no failed request. Blue's own health is the blue
/// guard's job (makeSwitch puts one in front). Not thread-safe: the agent calls it from its
/// action worker only.
class NginxSwitch final : public Switch, public WeightedSwitch {
 public:
  /// Does no I/O; the options come from parseNginxSettings. `clock` times the reload
  /// command's timeout and the verification's budget and pauses; it must outlive the switch.
  NginxSwitch(NginxSwitchOptions options, const Clock& clock);
  ~NginxSwitch() override;
  NginxSwitch(const NginxSwitch&) = delete;
  NginxSwitch& operator=(const NginxSwitch&) = delete;

  /// kAlreadyBlue when the include names blue and nginx already answers from blue (an
  /// include that names blue while nginx still serves green, after a failed reload, is
  /// reloaded again). kImpossible when the reload fails, or when blue does not answer
  /// through nginx within verifyTimeout. kFlipped says how long the flip took, write to
  /// first blue answer. Errors: the include cannot be read or written (with the file
  /// error's code), worth a retry.
  Result<SwitchOutcome> rollback(const RollbackRequest& request) override;

  /// Reads the include file: blue or green by the server address it names, unknown for
  /// anything else.
  Result<TrafficState> current() override;

  /// The forward move, for the rollout: rewrites the include to name green (durably, with
  /// `note` as its comment line), reloads nginx and waits up to verifyTimeout until
  /// responses through nginx carry verifyHeader: verifyGreenValue. Idempotent: an include
  /// that already names green is written and reloaded again, which changes nothing for
  /// clients. Returns what was done. Errors: the include cannot be written (the file
  /// error's code), the reload failed (its code; the old include is put back), kTimeout
  /// when green never answered through nginx (the include names green: the caller decides
  /// whether to flip back).
  Result<std::string> moveToGreen(std::string_view note);

  /// Green's weight by the include: 0 when it names blue alone, 100 for green alone,
  /// green's share of the `weight=` values when it names both; kInvalidInput for anything
  /// else.
  Result<GreenWeight> greenWeight() override;

  /// Compares the include's weight with `expected` (kConflict when it differs), rewrites it
  /// durably (blue alone for 0, green alone for 100, else `server BLUE weight=100-N;` and
  /// `server GREEN weight=N;`), reloads nginx and waits up to verifyTimeout until answers
  /// through nginx come from each side that now has a weight. The compare and the rename
  /// are not one atomic step: the lease keeps other novactl runs out, and the agent only
  /// ever writes blue alone. A failed reload puts the old include back (its error's code);
  /// the new split not seen is kTimeout (the include stays written).
  Result<std::string> setGreenWeight(std::int64_t expected, std::int64_t weight) override;

  /// The include text setGreenWeight would write and how nginx would be reloaded.
  Result<std::string> planGreenWeight(std::int64_t weight) override;

  /// The include file's text as it is now (bounded).
  Result<std::string> includeText() const;

 private:
  /// Writes `next` as the include and reloads nginx; on a failed reload puts `previous`
  /// back and answers the reload's error. Returns how nginx was reloaded.
  Result<std::string> writeAndReload(const std::string& previous, const std::string& next);

  /// Reloads nginx; on failure puts `previous` back as the include (so current() keeps
  /// telling the truth about nginx) and answers the reload's error unprefixed.
  Result<std::string> reloadOrRestore(const std::string& previous);

  /// The include giving green `weight` percent.
  std::string weightedInclude(std::int64_t weight) const;

  Result<SwitchOutcome> flip(const std::string& previous, const std::string& from,
                             const RollbackRequest& request);

  NginxSwitchOptions options_;
  const Clock& clock_;
};

}  // namespace nova::traffic
