// Go's float formatting, for messages and labels that must read as Prometheus writes them.
#include "go_format.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string_view>

namespace nova::promql::detail {
namespace {

// The significant digits of |v| without trailing zeros and the position of the decimal
// point: |v| = 0.<digits> * 10^point. Zero has no digits.
struct Decimal {
  std::string digits;
  int point = 0;
};

Decimal decimalOf(double v, int precision) {
  char buf[64];
  const double magnitude = std::fabs(v);
  const auto res =
      precision < 0 ? std::to_chars(buf, buf + sizeof buf, magnitude, std::chars_format::scientific)
                    : std::to_chars(buf, buf + sizeof buf, magnitude, std::chars_format::scientific,
                                    precision - 1);
  const std::string_view text(buf, static_cast<std::size_t>(res.ptr - buf));
  const std::size_t e = text.find('e');
  Decimal d;
  for (char c : text.substr(0, e)) {
    if (c != '.') {
      d.digits += c;
    }
  }
  while (!d.digits.empty() && d.digits.back() == '0') {
    d.digits.pop_back();
  }
  if (d.digits.empty()) {
    return Decimal{};
  }
  d.point = std::atoi(std::string(text.substr(e + 1)).c_str()) + 1;
  return d;
}

std::string fixedForm(const Decimal& d) {
  const auto n = static_cast<int>(d.digits.size());
  if (n == 0) {
    return "0";
  }
  if (d.point <= 0) {
    return "0." + std::string(static_cast<std::size_t>(-d.point), '0') + d.digits;
  }
  if (d.point >= n) {
    return d.digits + std::string(static_cast<std::size_t>(d.point - n), '0');
  }
  const auto split = static_cast<std::size_t>(d.point);
  return d.digits.substr(0, split) + "." + d.digits.substr(split);
}

std::string exponentForm(const Decimal& d) {
  std::string out(1, d.digits[0]);
  if (d.digits.size() > 1) {
    out += "." + d.digits.substr(1);
  }
  const int exp = d.point - 1;
  out += exp < 0 ? "e-" : "e+";
  const std::string digits = std::to_string(std::abs(exp));
  return out + (digits.size() < 2 ? "0" : "") + digits;
}

std::string special(double v) {
  if (std::isnan(v)) {
    return "NaN";
  }
  return v > 0 ? "+Inf" : "-Inf";
}

}  // namespace

std::string formatGoG(double v, int precision) {
  if (!std::isfinite(v)) {
    return special(v);
  }
  const std::string sign = std::signbit(v) ? "-" : "";
  const Decimal d = decimalOf(v, precision == 0 ? 1 : precision);
  const auto n = static_cast<int>(d.digits.size());
  int exponentFrom = 6;
  if (precision >= 0) {
    exponentFrom = precision == 0 ? 1 : precision;
    if (exponentFrom > n && n >= d.point) {
      exponentFrom = n;
    }
  }
  const int exp = d.point - 1;
  if (n > 0 && (exp < -4 || exp >= exponentFrom)) {
    return sign + exponentForm(d);
  }
  return sign + fixedForm(d);
}

std::string formatGoFixed(double v) {
  if (!std::isfinite(v)) {
    return special(v);
  }
  return (std::signbit(v) ? "-" : "") + fixedForm(decimalOf(v, -1));
}

}  // namespace nova::promql::detail
