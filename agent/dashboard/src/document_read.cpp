// Reads a data document's charts back (the incident report draws them as SVG and PNG).
#include "nova/dashboard/document_read.h"

#include <boost/json.hpp>
#include <cmath>
#include <optional>

namespace nova::dashboard {
namespace {

namespace json = boost::json;

std::string join(const std::string& path, std::string_view name) {
  return path.empty() ? std::string(name) : path + "." + std::string(name);
}

// Walks the document; the first problem found is kept with the path to it, and every
// later read gives a neutral value so the walk can finish without checks at each step.
class Reader {
 public:
  explicit Reader(const ChartDocumentLimits& limits) : limits_(limits) {}

  bool failed() const { return !error_.empty(); }
  Error error() const { return Error(ErrorCode::kInvalidInput, "chart document: " + error_); }

  void fail(const std::string& path, const std::string& why) {
    if (error_.empty()) {
      error_ = path + ": " + why;
    }
  }

  const json::value* member(const json::object& o, std::string_view name, const std::string& path) {
    const json::value* v = o.if_contains(name);
    if (v == nullptr) {
      fail(join(path, name), "missing");
    }
    return v;
  }

  std::string text(const json::object& o, std::string_view name, const std::string& path) {
    const json::value* v = member(o, name, path);
    if (v != nullptr && !v->is_string()) {
      fail(join(path, name), "must be a string");
    }
    return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
  }

  std::int64_t integer(const json::object& o, std::string_view name, const std::string& path) {
    const json::value* v = member(o, name, path);
    if (v != nullptr && v->is_int64()) {
      return v->get_int64();
    }
    if (v != nullptr && v->is_uint64() && v->get_uint64() <= INT64_MAX) {
      return static_cast<std::int64_t>(v->get_uint64());
    }
    if (v != nullptr) {
      fail(join(path, name), "must be an integer");
    }
    return 0;
  }

  const json::array* array(const json::object& o, std::string_view name, const std::string& path,
                           std::size_t limit) {
    const json::value* v = member(o, name, path);
    if (v == nullptr) {
      return nullptr;
    }
    if (!v->is_array()) {
      fail(join(path, name), "must be an array");
      return nullptr;
    }
    if (v->get_array().size() > limit) {
      fail(join(path, name), "more than " + std::to_string(limit) + " entries");
      return nullptr;
    }
    return &v->get_array();
  }

  std::vector<double> values(const json::array& a, std::size_t count, const std::string& path) {
    if (a.size() != count) {
      fail(path, std::to_string(a.size()) + " values for an axis of " + std::to_string(count) +
                     " points");
      return {};
    }
    std::vector<double> out;
    out.reserve(a.size());
    for (const json::value& v : a) {
      if (v.is_null()) {
        out.push_back(std::nan(""));
      } else if (v.is_number()) {
        out.push_back(v.to_number<double>());
      } else {
        fail(path, "a value that is neither a number nor null");
        return {};
      }
    }
    return out;
  }

  std::optional<SeriesData> series(const json::value& v, std::size_t count,
                                   const std::string& path) {
    if (!v.is_object()) {
      fail(path, "must be an object");
      return std::nullopt;
    }
    const json::object& o = v.get_object();
    SeriesData s;
    s.name = text(o, "name", path);
    if (const json::value* agg = o.if_contains("aggregate"); agg != nullptr && agg->is_bool()) {
      s.aggregate = agg->get_bool();
    }
    if (const json::array* a = array(o, "values", path, limits_.maxPoints)) {
      s.values = values(*a, count, path + ".values");
    }
    return s;
  }

  void threshold(const json::value* v, ChartData& c, const std::string& path) {
    if (v == nullptr || v->is_null()) {
      return;
    }
    if (!v->is_object()) {
      fail(path, "must be an object or null");
      return;
    }
    const auto op = rules::parseThresholdOp(text(v->get_object(), "op", path));
    const json::value* value = member(v->get_object(), "value", path);
    if (!op || value == nullptr || !value->is_number()) {
      fail(path, "needs an operator and a number");
      return;
    }
    c.threshold = rules::Threshold{*op, value->to_number<double>()};
  }

  ChartData chart(const json::value& v, const std::string& path) {
    ChartData c;
    if (!v.is_object()) {
      fail(path, "must be an object");
      return c;
    }
    const json::object& o = v.get_object();
    c.id = text(o, "id", path);
    c.title = text(o, "title", path);
    c.caption = text(o, "caption", path);
    const std::string unit = text(o, "unit", path);
    c.unit = unit.empty() ? Unit::kNone : parseUnitName(unit).value_or(Unit::kNone);
    if (!unit.empty() && !parseUnitName(unit)) {
      fail(path + ".unit", "unknown unit \"" + unit + "\"");
    }
    if (const json::value* axis = member(o, "axis", path); axis != nullptr && axis->is_object()) {
      c.axis.start = integer(axis->get_object(), "start", path + ".axis");
      c.axis.step = integer(axis->get_object(), "step", path + ".axis");
      const std::int64_t count = integer(axis->get_object(), "count", path + ".axis");
      if (c.axis.step <= 0 || count < 0 || static_cast<std::size_t>(count) > limits_.maxPoints) {
        fail(path + ".axis",
             "needs a positive step and at most " + std::to_string(limits_.maxPoints) + " points");
      } else {
        c.axis.count = static_cast<std::size_t>(count);
      }
    } else if (axis != nullptr) {
      fail(path + ".axis", "must be an object");
    }
    if (const json::array* list = array(o, "series", path, limits_.maxSeries)) {
      for (std::size_t i = 0; i < list->size() && !failed(); ++i) {
        if (auto s =
                series((*list)[i], c.axis.count, path + ".series[" + std::to_string(i) + "]")) {
          c.series.push_back(std::move(*s));
        }
      }
    }
    threshold(o.if_contains("threshold"), c, path + ".threshold");
    if (const json::value* line = o.if_contains("threshold_line"); line && !line->is_null()) {
      c.thresholdLine = series(*line, c.axis.count, path + ".threshold_line");
    }
    if (const json::value* rule = o.if_contains("rule"); rule && rule->is_string()) {
      c.rule = std::string(rule->get_string());
    }
    if (const json::array* list = array(o, "breaches", path, limits_.maxPoints)) {
      for (const json::value& b : *list) {
        if (!b.is_object()) {
          fail(path + ".breaches", "must hold objects");
          break;
        }
        c.breaches.push_back({integer(b.get_object(), "from", path + ".breaches"),
                              integer(b.get_object(), "to", path + ".breaches")});
      }
    }
    if (const json::value* e = o.if_contains("error"); e && e->is_string()) {
      c.error = std::string(e->get_string());
    }
    return c;
  }

  Marker marker(const json::value& v, const std::string& path) {
    Marker m;
    if (!v.is_object()) {
      fail(path, "must be an object");
      return m;
    }
    m.at = integer(v.get_object(), "at", path);
    m.label = text(v.get_object(), "label", path);
    const std::string kind = text(v.get_object(), "kind", path);
    for (auto k :
         {Marker::Kind::kSwitch, Marker::Kind::kIncident, Marker::Kind::kPage, Marker::Kind::kHold,
          Marker::Kind::kRollback, Marker::Kind::kRolledBack, Marker::Kind::kResolved}) {
      if (markerKindName(k) == kind) {
        m.kind = k;
        return m;
      }
    }
    fail(path + ".kind", "unknown marker kind \"" + kind + "\"");
    return m;
  }

 private:
  const ChartDocumentLimits& limits_;
  std::string error_;
};

}  // namespace

Result<ChartDocument> parseChartDocument(std::string_view text, const ChartDocumentLimits& limits) {
  if (text.size() > limits.maxBytes) {
    return Error(ErrorCode::kInvalidInput,
                 "chart document: larger than " + std::to_string(limits.maxBytes) + " bytes");
  }
  boost::system::error_code ec;
  const json::value doc = json::parse(text, ec);
  if (ec || !doc.is_object()) {
    return Error(ErrorCode::kInvalidInput, "chart document: not a JSON object");
  }
  const json::object& o = doc.get_object();
  Reader r(limits);
  if (r.integer(o, "version", "") != 1) {
    r.fail("version", "must be 1");
  }
  ChartDocument out;
  out.generatedAt = r.integer(o, "generated_at", "");
  if (const json::value* inc = o.if_contains("incident"); inc && inc->is_object()) {
    out.incidentId = r.text(inc->get_object(), "id", "incident");
  }
  if (const json::array* charts = r.array(o, "charts", "", limits.maxCharts)) {
    for (std::size_t i = 0; i < charts->size() && !r.failed(); ++i) {
      out.charts.push_back(r.chart((*charts)[i], "charts[" + std::to_string(i) + "]"));
    }
  }
  if (const json::array* markers = r.array(o, "markers", "", limits.maxMarkers)) {
    for (std::size_t i = 0; i < markers->size() && !r.failed(); ++i) {
      out.markers.push_back(r.marker((*markers)[i], "markers[" + std::to_string(i) + "]"));
    }
  }
  if (r.failed()) {
    return r.error();
  }
  return out;
}

}  // namespace nova::dashboard
