// PNG copies of the report's charts through librsvg's own command-line renderer.

#include "nova/rollout/svg_rasterizer.h"

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <system_error>

#include "nova/core/clock.h"
#include "nova/core/files.h"
#include "nova/rollout/hook.h"
#include "nova/rollout/stop.h"

namespace nova::rollout {
namespace {

constexpr DurationMs kRenderTimeout = 30 * kSecond;
// Our charts are 760x280 at scale 1; a PNG far beyond this is not a chart of ours.
constexpr std::size_t kMaxPngBytes = 32 * 1024 * 1024;
constexpr double kMaxScale = 8.0;

// A folder of its own per call, removed on every path out.
class TemporaryFolder {
 public:
  static Result<TemporaryFolder> make() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base && *base ? base : "/tmp") + "/nova-png-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) {
      return Error(ErrorCode::kInternal, "svg to png: cannot make a folder under " +
                                             std::filesystem::path(pattern).parent_path().string());
    }
    return TemporaryFolder(pattern);
  }
  TemporaryFolder(TemporaryFolder&& other) noexcept : path_(std::move(other.path_)) {
    other.path_.clear();
  }
  TemporaryFolder(const TemporaryFolder&) = delete;
  TemporaryFolder& operator=(const TemporaryFolder&) = delete;
  TemporaryFolder& operator=(TemporaryFolder&&) = delete;
  ~TemporaryFolder() {
    if (!path_.empty()) {
      std::error_code ignored;
      std::filesystem::remove_all(path_, ignored);
    }
  }
  const std::string& path() const { return path_; }

 private:
  explicit TemporaryFolder(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

Result<std::string> render(const std::string& program, std::string_view svg, double scale) {
  if (!(scale > 0 && scale <= kMaxScale)) {
    return Error(ErrorCode::kInvalidInput, "svg to png: the scale must be in (0, 8]");
  }
  auto folder = TemporaryFolder::make();
  if (!folder.ok()) {
    return folder.error();
  }
  const std::string in = folder->path() + "/chart.svg";
  const std::string out = folder->path() + "/chart.png";
  if (Status s = writeFileDurably(in, svg); !s) {
    return s.error().prefixed("svg to png");
  }
  CommandSpec spec;
  spec.argv = {program, "--zoom=" + std::to_string(scale), "--format=png", "--output=" + out, in};
  spec.timeout = kRenderTimeout;
  spec.maxOutputBytes = 4096;
  SystemClock clock;
  StopSource never(clock);
  HookRunner runner(never);
  auto ran = runner.run(spec, {});
  if (!ran.ok()) {
    return Error(ErrorCode::kUnavailable,
                 "svg to png: " + program + " is not installed (Debian: librsvg2-bin)");
  }
  if (Status s = checkHookResult(spec, *ran); !s) {
    const ErrorCode code =
        s.error().code == ErrorCode::kTimeout ? ErrorCode::kTimeout : ErrorCode::kInvalidInput;
    return Error(code, "svg to png: " + s.error().message);
  }
  return readFile(out, kMaxPngBytes);
}

}  // namespace

SvgRasterizer rsvgConvert(std::string program) {
  return [program = std::move(program)](std::string_view svg, double scale) {
    return render(program, svg, scale);
  };
}

}  // namespace nova::rollout
