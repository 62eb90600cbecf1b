// Numbers and durations, scanned as Prometheus's lexer does: the scan decides only the
// token's extent; parseNumber() and parseDuration() judge its value later, so malformed
// literals get Prometheus's messages.
#include <string>

#include "lexer.h"

namespace nova::promql::detail {
namespace {

bool isAlphaNumeric(char c) {
  return isAlpha(c) || isDigit(c);
}

}  // namespace

bool Lexer::scanNumber() {
  const std::size_t initial = pos_;
  std::string_view digits = "0123456789";
  auto in = [&](std::string_view set) {
    return pos_ < input_.size() && set.find(peek()) != std::string_view::npos;
  };
  auto accept = [&](std::string_view set) {
    if (in(set)) {
      ++pos_;
      return true;
    }
    return false;
  };
  bool hex = false;
  if (peek() == '0' && (peek(1) == 'x' || peek(1) == 'X')) {
    pos_ += 2;
    accept("_");
    digits = "0123456789abcdefABCDEF";
    hex = true;
  }
  accept(".");
  accept(digits);
  bool dot = false;
  bool exponent = false;
  const std::string all = std::string(digits) + "._" + (hex ? "" : "eE");
  while (in(all)) {
    if (in(".")) {
      if (dot || hex) {
        ++pos_;
        return false;
      }
      ++pos_;
      dot = true;
      if (accept("_.")) {
        return false;
      }
      continue;
    }
    if (!hex && in("eE")) {
      if (exponent) {
        ++pos_;
        return false;
      }
      ++pos_;
      exponent = true;
      accept("+-");
      if (accept("._eE") || pos_ >= input_.size()) {
        return false;
      }
      continue;
    }
    if (accept("_")) {
      if (accept("._eE") || pos_ >= input_.size()) {
        return false;
      }
      continue;
    }
    while (accept(digits)) {
    }
  }
  if (pos_ == initial) {
    return false;
  }
  return !isAlphaNumeric(peek());
}

bool Lexer::scanDurationRest() {
  auto accept = [&](std::string_view set) {
    if (pos_ < input_.size() && set.find(peek()) != std::string_view::npos) {
      ++pos_;
      return true;
    }
    return false;
  };
  if (!accept("smhdwy")) {
    return false;
  }
  accept("s");
  while (accept("0123456789")) {
    while (accept("0123456789")) {
    }
    if (!accept("smhdw")) {
      return false;
    }
    accept("s");
  }
  return !isAlphaNumeric(peek());
}

Token Lexer::lexNumberOrDuration() {
  if (scanNumber()) {
    return make(TokenKind::kNumber);
  }
  // Not a number: the units of a duration ("5m", "1h30m") may follow what was scanned.
  if (scanDurationRest()) {
    return make(TokenKind::kDuration);
  }
  return error("bad number or duration syntax: \"" +
               std::string(input_.substr(start_, pos_ - start_)) + "\"");
}

}  // namespace nova::promql::detail
