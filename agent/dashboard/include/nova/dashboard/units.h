#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "nova/rules/rule.h"
#include "nova/rules/template.h"

namespace nova::dashboard {

/// What a chart's or a rule's numbers measure, so people read "212 ms" and "0.15 %" rather
/// than 0.212 and 0.0015.
enum class Unit {
  kNone,     ///< A plain number.
  kSeconds,  ///< A duration in seconds, shown in ms below one second.
  kRatio,    ///< A share (0.001 = 0.1 %), shown as a percentage.
  kCount,    ///< A number of things (connections), shown without decimals when whole.
};

/// "", "seconds", "ratio", "count": the names the data document uses.
std::string_view unitName(Unit unit);

/// The unit called `name`: "seconds", "ratio", "count", or "none" for a plain number;
/// nullopt for anything else.
std::optional<Unit> parseUnitName(std::string_view name);

/// The unit a rule's value reads in, from its summary template's first `{{ $value }}`:
/// humanizeDuration means seconds, humanizePercentage a ratio, anything else a plain number.
Unit unitOf(const rules::Template& summary);

/// The unit a rule's value reads in: its summary's (unitOf) when that names one; else a
/// ratio when its expression is one, a division of two series (`errors / requests`, a
/// bucket over the count), also rounded, clamped or taken from 1, but not a `_sum` over
/// its count (a mean, in the observations' unit); else a plain number. Pure.
Unit unitOfRule(const rules::Rule& rule);

/// `value` for people, with its unit: "212 ms", "1.25 s", "0.15 %", "7.3 %", "1234",
/// "12.5". Three significant digits at most; "no value" for NaN. Pure.
std::string formatValue(double value, Unit unit);

/// A threshold for people, its value in `unit`: "> 200 ms", "< 95 %". Pure.
std::string formatThreshold(const rules::Threshold& threshold, Unit unit);

}  // namespace nova::dashboard
