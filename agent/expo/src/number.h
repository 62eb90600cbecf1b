#pragma once

// Numbers in the text format: sample values, timestamps, and the float form Prometheus gives
// `le` and `quantile` label values.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace nova::expo::detail {

/// Parses a sample value as Go's strconv.ParseFloat reads it, without hex floats and digit
/// underscores (which Prometheus refuses): decimals with optional sign and exponent, and
/// Inf/Infinity/NaN in any case. Overflow is an error, underflow gives zero, as in Go. NaN
/// becomes Prometheus's canonical NaN. Returns nullptr on success, else why it failed.
const char* parseValue(std::string_view text, double& out);

/// Powers of ten a double holds exactly.
inline constexpr double kExactPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                         1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                         1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/// Per-byte 0x80 flags of the bytes of `w` that are no ASCII digit; exact for every byte
/// (no carry crosses a byte).
inline std::uint64_t nonDigitBytes(std::uint64_t w) {
  const std::uint64_t x =
      ((w & 0xF0F0F0F0F0F0F0F0ULL) ^ 0x3030303030303030ULL) |
      (((w & 0x0F0F0F0F0F0F0F0FULL) + 0x0606060606060606ULL) & 0x1010101010101010ULL);
  return (((x & 0x7F7F7F7F7F7F7F7FULL) + 0x7F7F7F7F7F7F7F7FULL) | x) & 0x8080808080808080ULL;
}

/// The value of the first `n` (1 to 8) bytes of `w`, all digits, read as a decimal number:
/// shifted so they are the last of eight digits, then combined pairwise.
inline std::uint64_t eightDigitsValue(std::uint64_t w, std::size_t n) {
  std::uint64_t v = (w & 0x0F0F0F0F0F0F0F0FULL) << (8 * (8 - n));
  v = v * 10 + (v >> 8);
  v = ((v & 0x000000FF000000FFULL) * (100 + (1000000ULL << 32)) +
       ((v >> 16) & 0x000000FF000000FFULL) * (1 + (10000ULL << 32))) >>
      32;
  return v & 0xFFFFFFFFULL;
}

inline constexpr std::uint64_t kPow10Int[] = {
    1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000, 10000000000};

/// Appends the run of digits at s[i] to `mantissa` (modulo 2^64) and returns its length.
/// Eight bytes at a time while the body has them, so a short run costs no branch per digit.
inline std::size_t appendDigitRun(std::string_view s, std::size_t i, std::uint64_t& mantissa) {
  std::size_t n = 0;
  while (s.size() - i >= 8) {
    std::uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    const std::uint64_t stop = nonDigitBytes(w);
    const std::size_t k = stop == 0 ? 8 : static_cast<std::size_t>(std::countr_zero(stop)) / 8;
    if (k != 0) {
      mantissa = mantissa * kPow10Int[k] + eightDigitsValue(w, k);
    }
    n += k;
    i += k;
    if (k < 8) {
      return n;
    }
  }
  for (; i < s.size() && static_cast<unsigned>(s[i] - '0') <= 9; ++i, ++n) {
    mantissa = mantissa * 10 + static_cast<unsigned>(s[i] - '0');
  }
  return n;
}

/// The common sample values in one pass: an optional sign, at most 15 digits with an
/// optional '.', an optional exponent of at most three digits, with the digits times a power
/// of ten within 10^+-22, ended by a blank or `end` (a line's end: no digit run crosses it).
/// Such a value is the digits (exact as a double) times or divided by an exact power of ten,
/// rounded once: the same computation and bits as parseValue. Returns where the token ends,
/// or npos when the text is not of that form (then parseValue reads it, errors included).
inline std::size_t parsePlainValue(std::string_view s, std::size_t pos, std::size_t end,
                                   double& out) {
  constexpr std::size_t kNo = std::string_view::npos;
  std::size_t i = pos;
  bool negative = false;
  if (i < end && (s[i] == '-' || s[i] == '+')) {
    negative = s[i] == '-';
    ++i;
  }
  std::uint64_t mantissa = 0;
  std::size_t digits = appendDigitRun(s, i, mantissa);
  if (digits == 0) {
    return kNo;
  }
  i += digits;
  long scale = 0;
  if (i < end && s[i] == '.') {
    const std::size_t fraction = appendDigitRun(s, i + 1, mantissa);
    i += 1 + fraction;
    digits += fraction;
    scale = -static_cast<long>(fraction);
  }
  if (digits > 15) {
    return kNo;
  }
  if (i < end && (s[i] == 'e' || s[i] == 'E')) [[unlikely]] {
    ++i;
    bool negativeExponent = false;
    if (i < end && (s[i] == '-' || s[i] == '+')) {
      negativeExponent = s[i] == '-';
      ++i;
    }
    const std::size_t exponentStart = i;
    long exponent = 0;
    for (; i < end && static_cast<unsigned>(s[i] - '0') <= 9 && i - exponentStart < 3; ++i) {
      exponent = exponent * 10 + (s[i] - '0');
    }
    if (i == exponentStart) {
      return kNo;
    }
    scale += negativeExponent ? -exponent : exponent;
  }
  if (i < end && s[i] != ' ' && s[i] != '\t') {
    return kNo;
  }
  if (scale < -22 || scale > 22) {
    return kNo;
  }
  double v = static_cast<double>(mantissa);
  v = scale < 0 ? v / kExactPow10[-scale] : v * kExactPow10[scale];
  out = negative ? -v : v;
  return i;
}

/// Parses a non-empty run of decimal digits as int64. Returns nullptr or the reason.
const char* parseTimestamp(std::string_view digits, std::int64_t& out);

/// Appends Prometheus's FormatOpenMetricsFloat form of `v`: Go's shortest %g, with ".0"
/// appended when it holds neither '.' nor 'e' ("1.0", "0.25", "1e+06", "+Inf").
void appendOmFloat(double v, std::string& out);

/// The normalized text of an `le`/`quantile` value. Returns false when `text` is already in
/// that form or is no float (both kept as written); else appends the form to `out`.
bool normalizeOmFloat(std::string_view text, std::string& out);

/// Longest text normalizeOmFloat may append beyond the input length.
inline constexpr std::size_t kMaxOmFloatGrowth = 32;

}  // namespace nova::expo::detail
