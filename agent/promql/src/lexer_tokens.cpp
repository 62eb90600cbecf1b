// Token names: keywords, operators, and how tokens are described in messages.
#include <array>

#include "lexer.h"
#include "lexer_text.h"

namespace nova::promql::detail {
namespace {

struct Keyword {
  std::string_view word;
  TokenKind kind;
  AggregateOp aggregate = AggregateOp::kSum;
};

// Matched case-insensitively, as Prometheus does.
constexpr std::array<Keyword, 32> kKeywords = {{
    {"and", TokenKind::kLand},
    {"or", TokenKind::kLor},
    {"unless", TokenKind::kLunless},
    {"atan2", TokenKind::kAtan2},
    {"sum", TokenKind::kAggregator, AggregateOp::kSum},
    {"avg", TokenKind::kAggregator, AggregateOp::kAvg},
    {"count", TokenKind::kAggregator, AggregateOp::kCount},
    {"min", TokenKind::kAggregator, AggregateOp::kMin},
    {"max", TokenKind::kAggregator, AggregateOp::kMax},
    {"group", TokenKind::kAggregator, AggregateOp::kGroup},
    {"stddev", TokenKind::kAggregator, AggregateOp::kStddev},
    {"stdvar", TokenKind::kAggregator, AggregateOp::kStdvar},
    {"topk", TokenKind::kAggregator, AggregateOp::kTopk},
    {"bottomk", TokenKind::kAggregator, AggregateOp::kBottomk},
    {"count_values", TokenKind::kAggregator, AggregateOp::kCountValues},
    {"quantile", TokenKind::kAggregator, AggregateOp::kQuantile},
    {"limitk", TokenKind::kAggregator, AggregateOp::kLimitk},
    {"limit_ratio", TokenKind::kAggregator, AggregateOp::kLimitRatio},
    {"offset", TokenKind::kOffset},
    {"smoothed", TokenKind::kSmoothed},
    {"anchored", TokenKind::kAnchored},
    {"by", TokenKind::kBy},
    {"without", TokenKind::kWithout},
    {"on", TokenKind::kOn},
    {"ignoring", TokenKind::kIgnoring},
    {"group_left", TokenKind::kGroupLeft},
    {"group_right", TokenKind::kGroupRight},
    {"bool", TokenKind::kBool},
    {"start", TokenKind::kStart},
    {"end", TokenKind::kEnd},
    {"inf", TokenKind::kNumber},
    {"nan", TokenKind::kNumber},
}};

bool equalsLower(std::string_view word, std::string_view lower) {
  if (word.size() != lower.size()) {
    return false;
  }
  for (std::size_t i = 0; i < word.size(); ++i) {
    char c = word[i];
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
    if (c != lower[i]) {
      return false;
    }
  }
  return true;
}

const Keyword* findKeywordEntry(std::string_view word) {
  for (const Keyword& k : kKeywords) {
    if (equalsLower(word, k.word)) {
      return &k;
    }
  }
  return nullptr;
}

}  // namespace

bool lookupKeyword(std::string_view word, TokenKind& kind, AggregateOp& aggregate) {
  const Keyword* k = findKeywordEntry(word);
  if (k == nullptr) {
    return false;
  }
  kind = k->kind;
  aggregate = k->aggregate;
  return true;
}

std::optional<BinaryOp> binaryOpOf(TokenKind kind) {
  switch (kind) {
    case TokenKind::kAdd:
      return BinaryOp::kAdd;
    case TokenKind::kSub:
      return BinaryOp::kSub;
    case TokenKind::kMul:
      return BinaryOp::kMul;
    case TokenKind::kDiv:
      return BinaryOp::kDiv;
    case TokenKind::kMod:
      return BinaryOp::kMod;
    case TokenKind::kPow:
      return BinaryOp::kPow;
    case TokenKind::kEqlc:
      return BinaryOp::kEql;
    case TokenKind::kNeq:
      return BinaryOp::kNeq;
    case TokenKind::kLss:
      return BinaryOp::kLss;
    case TokenKind::kLte:
      return BinaryOp::kLte;
    case TokenKind::kGtr:
      return BinaryOp::kGtr;
    case TokenKind::kGte:
      return BinaryOp::kGte;
    case TokenKind::kLand:
      return BinaryOp::kAnd;
    case TokenKind::kLor:
      return BinaryOp::kOr;
    case TokenKind::kLunless:
      return BinaryOp::kUnless;
    case TokenKind::kAtan2:
      return BinaryOp::kAtan2;
    default:
      return std::nullopt;
  }
}

std::string describe(const Token& token) {
  auto truncated = [&](std::string_view kind) {
    if (token.text.size() > 10) {
      return std::string(kind) + " " + quote(token.text.substr(0, 10)) + "...";
    }
    return std::string(kind) + " " + quote(token.text);
  };
  switch (token.kind) {
    case TokenKind::kEof:
      return "end of input";
    case TokenKind::kError:
      return token.text;
    case TokenKind::kIdentifier:
      return "identifier " + quote(token.text);
    case TokenKind::kMetricIdentifier:
      return "metric identifier " + quote(token.text);
    case TokenKind::kNumber:
      return truncated("number");
    case TokenKind::kDuration:
      return truncated("duration");
    case TokenKind::kString:
      return truncated("string");
    case TokenKind::kAggregator:
      return "<aggr:" + token.text + ">";
    case TokenKind::kLeftParen:
    case TokenKind::kRightParen:
    case TokenKind::kLeftBrace:
    case TokenKind::kRightBrace:
    case TokenKind::kLeftBracket:
    case TokenKind::kRightBracket:
    case TokenKind::kComma:
    case TokenKind::kAssign:
    case TokenKind::kColon:
    case TokenKind::kAt:
      return quote(token.text);
    case TokenKind::kOffset:
    case TokenKind::kBy:
    case TokenKind::kWithout:
    case TokenKind::kOn:
    case TokenKind::kIgnoring:
    case TokenKind::kGroupLeft:
    case TokenKind::kGroupRight:
    case TokenKind::kBool:
    case TokenKind::kStart:
    case TokenKind::kEnd:
    case TokenKind::kSmoothed:
    case TokenKind::kAnchored:
      return "<" + token.text + ">";
    default:
      return "<op:" + token.text + ">";
  }
}

}  // namespace nova::promql::detail
