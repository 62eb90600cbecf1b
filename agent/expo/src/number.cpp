#include "number.h"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <limits>

#include "scan.h"

namespace nova::expo::detail {
namespace {

// Prometheus's value.NormalNaN: one NaN payload for every parsed NaN, never the stale marker.
constexpr std::uint64_t kNormalNaNBits = 0x7ff8000000000001ULL;

bool equalsIgnoreCase(std::string_view text, std::string_view lower) {
  if (text.size() != lower.size()) {
    return false;
  }
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
    if (c != lower[i]) {
      return false;
    }
  }
  return true;
}

// The shape of a decimal literal, filled while its syntax is checked.
struct Decimal {
  std::uint64_t mantissa = 0;  // first 19 significant digits
  int significant = 0;         // significant digits seen (may exceed 19)
  int dropped = 0;             // integer digits beyond the 19 kept
  int fractionKept = 0;        // fraction digits folded into the mantissa
  int leadingFractionZeros = 0;
  int intDigits = 0;  // significant integer digits
  long exponent = 0;
};

bool scanDecimal(std::string_view s, Decimal& d) {
  std::size_t i = 0;
  const std::size_t n = s.size();
  bool anyDigit = false;
  for (; i < n && is(s[i], kDigit); ++i) {
    anyDigit = true;
    const int digit = s[i] - '0';
    if (d.significant == 0 && digit == 0) {
      continue;
    }
    ++d.intDigits;
    if (d.significant++ < 19) {
      d.mantissa = d.mantissa * 10 + static_cast<std::uint64_t>(digit);
    } else {
      ++d.dropped;
    }
  }
  if (i < n && s[i] == '.') {
    int fractionPos = 0;
    for (++i; i < n && is(s[i], kDigit); ++i) {
      anyDigit = true;
      ++fractionPos;
      const int digit = s[i] - '0';
      if (d.significant == 0 && digit == 0) {
        ++d.leadingFractionZeros;
        continue;
      }
      if (d.significant++ < 19) {
        d.mantissa = d.mantissa * 10 + static_cast<std::uint64_t>(digit);
        d.fractionKept = fractionPos;
      }
    }
  }
  if (!anyDigit) {
    return false;
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool negative = false;
    if (i < n && (s[i] == '+' || s[i] == '-')) {
      negative = s[i] == '-';
      ++i;
    }
    if (i == n) {
      return false;
    }
    for (; i < n && is(s[i], kDigit); ++i) {
      if (d.exponent < 100000) {
        d.exponent = d.exponent * 10 + (s[i] - '0');
      }
    }
    if (negative) {
      d.exponent = -d.exponent;
    }
  }
  return i == n;
}

}  // namespace

const char* parseValue(std::string_view text, double& out) {
  if (text.empty()) {
    return "empty value";
  }
  bool negative = false;
  std::string_view digits = text;
  if (digits[0] == '+' || digits[0] == '-') {
    negative = digits[0] == '-';
    digits.remove_prefix(1);
  }
  if (equalsIgnoreCase(digits, "inf") || equalsIgnoreCase(digits, "infinity")) {
    out = negative ? -std::numeric_limits<double>::infinity()
                   : std::numeric_limits<double>::infinity();
    return nullptr;
  }
  if (digits.size() == text.size() && equalsIgnoreCase(digits, "nan")) {
    out = std::bit_cast<double>(kNormalNaNBits);
    return nullptr;
  }
  Decimal d;
  if (!scanDecimal(digits, d)) {
    return "invalid number";
  }
  // Clinger's fast path: an exact mantissa times an exact power of ten rounds once.
  const long scale = d.exponent - d.fractionKept + d.dropped;
  if (d.significant <= 15 && scale >= -22 && scale <= 22) {
    double v = static_cast<double>(d.mantissa);
    v = scale < 0 ? v / kExactPow10[-scale] : v * kExactPow10[scale];
    out = negative ? -v : v;
    return nullptr;
  }
  double v = 0;
  const auto [ptr, ec] =
      std::from_chars(digits.data(), digits.data() + digits.size(), v, std::chars_format::general);
  if (ec == std::errc::result_out_of_range) {
    // The decimal position of the first significant digit tells overflow from underflow.
    const long magnitude = d.exponent + (d.intDigits > 0 ? d.intDigits : -d.leadingFractionZeros);
    if (magnitude > 0) {
      return "value out of range";
    }
    v = 0;
  } else if (ec != std::errc() || ptr != digits.data() + digits.size()) {
    return "invalid number";
  }
  out = negative ? -v : v;
  return nullptr;
}

const char* parseTimestamp(std::string_view digits, std::int64_t& out) {
  std::uint64_t v = 0;
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  for (const char c : digits) {
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (v > (kMax - digit) / 10) {
      return "timestamp out of range";
    }
    v = v * 10 + digit;
  }
  out = static_cast<std::int64_t>(v);
  return nullptr;
}

void appendOmFloat(double v, std::string& out) {
  if (std::isnan(v)) {
    out += "NaN";
    return;
  }
  if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
    return;
  }
  if (v == 0) {
    out += "0.0";
    return;
  }
  char sci[40];
  const auto res = std::to_chars(sci, sci + sizeof(sci), v, std::chars_format::scientific);
  const std::string_view text(sci, static_cast<std::size_t>(res.ptr - sci));
  const std::size_t ePos = text.find('e');
  int exp = 0;
  std::from_chars(text.data() + ePos + (text[ePos + 1] == '+' ? 2 : 1), res.ptr, exp);
  // Go's shortest %g switches to exponent form outside [-4, 6).
  if (exp < -4 || exp >= 6) {
    out += text;
    return;
  }
  std::string_view mant = text.substr(0, ePos);
  if (mant[0] == '-') {
    out += '-';
    mant.remove_prefix(1);
  }
  std::string digits;
  for (const char c : mant) {
    if (c != '.') {
      digits += c;
    }
  }
  if (exp < 0) {
    out += "0.";
    out.append(static_cast<std::size_t>(-exp - 1), '0');
    out += digits;
    return;
  }
  const auto intLen = static_cast<std::size_t>(exp) + 1;
  if (digits.size() <= intLen) {
    out += digits;
    out.append(intLen - digits.size(), '0');
    out += ".0";
    return;
  }
  out.append(digits, 0, intLen);
  out += '.';
  out.append(digits, intLen);
}

namespace {

// Whether `t` already is what appendOmFloat would print for its value. Covers the forms
// clients emit ("0.005", "2.5", "+Inf") without a float round trip.
bool isCanonicalOmFloat(std::string_view t) {
  if (t == "+Inf" || t == "-Inf" || t == "NaN" || t == "0.0") {
    return true;
  }
  if (!t.empty() && t[0] == '-') {
    t.remove_prefix(1);
  }
  const std::size_t dot = t.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot > 6 || dot + 1 == t.size()) {
    return false;
  }
  const std::string_view intPart = t.substr(0, dot);
  const std::string_view frac = t.substr(dot + 1);
  if (intPart.size() > 1 && intPart[0] == '0') {
    return false;
  }
  for (const char c : intPart) {
    if (!is(c, kDigit)) {
      return false;
    }
  }
  for (const char c : frac) {
    if (!is(c, kDigit)) {
      return false;
    }
  }
  if (intPart == "0") {
    const std::size_t firstNonZero = frac.find_first_not_of('0');
    if (firstNonZero > 3) {  // npos (all zeros) included
      return false;
    }
    return frac.back() != '0' && frac.size() - firstNonZero <= 15;
  }
  if (frac == "0") {
    return true;
  }
  return frac.back() != '0' && intPart.size() + frac.size() <= 15;
}

}  // namespace

bool normalizeOmFloat(std::string_view text, std::string& out) {
  // Small integers, the commonest bucket bounds ("1", "10", "1000"), only gain ".0".
  if (!text.empty() && text.size() <= 6 && (text.size() == 1 || text[0] != '0') &&
      std::all_of(text.begin(), text.end(), [](char c) { return is(c, kDigit); })) {
    out += text;
    out += ".0";
    return true;
  }
  if (isCanonicalOmFloat(text)) {
    return false;
  }
  double v = 0;
  if (parseValue(text, v) != nullptr) {
    return false;
  }
  const std::size_t before = out.size();
  appendOmFloat(v, out);
  if (std::string_view(out).substr(before) == text) {
    out.resize(before);
    return false;
  }
  return true;
}

}  // namespace nova::expo::detail
