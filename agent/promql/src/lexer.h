#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "nova/promql/ast.h"

namespace nova::promql::detail {

enum class TokenKind {
  kEof,
  kError,  ///< text holds the message; the lexer stops after it
  kIdentifier,
  kMetricIdentifier,  ///< an identifier containing ':'
  kNumber,
  kDuration,
  kString,  ///< text is the quoted source form
  kLeftParen,
  kRightParen,
  kLeftBrace,
  kRightBrace,
  kLeftBracket,
  kRightBracket,
  kComma,
  kAssign,  ///< `=` inside braces
  kColon,
  kAt,
  kEqlRegex,
  kNeqRegex,
  // Binary operators.
  kAdd,
  kSub,
  kMul,
  kDiv,
  kMod,
  kPow,
  kEqlc,
  kNeq,
  kLss,
  kLte,
  kGtr,
  kGte,
  kLand,
  kLor,
  kLunless,
  kAtan2,
  // Aggregators: `aggregate` says which.
  kAggregator,
  // Keywords.
  kOffset,
  kBy,
  kWithout,
  kOn,
  kIgnoring,
  kGroupLeft,
  kGroupRight,
  kBool,
  kStart,
  kEnd,
  kSmoothed,
  kAnchored,
};

struct Token {
  TokenKind kind = TokenKind::kEof;
  int pos = 0;  ///< byte offset of the first character
  int end = 0;  ///< byte offset after the last character
  std::string text;
  AggregateOp aggregate = AggregateOp::kSum;
};

/// The keyword token for `word` (case-insensitive; "inf" and "nan" are numbers).
bool lookupKeyword(std::string_view word, TokenKind& kind, AggregateOp& aggregate);

/// The binary operator a token stands for, if any.
std::optional<BinaryOp> binaryOpOf(TokenKind kind);

/// "end of input", `identifier "foo"`, `"("`, `<op:+>`, `<aggr:sum>`, `<by>`: how
/// Prometheus names a token in "unexpected ..." messages.
std::string describe(const Token& token);

/// Splits PromQL text into tokens on demand, skipping spaces and `#` comments. Tracks
/// braces, brackets and parentheses as Prometheus's lexer does, since they change how
/// the following characters are read.
class Lexer {
 public:
  explicit Lexer(std::string_view input) : input_(input) {}

  /// The next token; kEof forever after the end, and kEof after a kError.
  Token next();

  /// Whether the last token returned left a `[` open.
  bool inBrackets() const { return bracketOpen_; }

 private:
  Token lexStatement();
  Token lexInsideBraces();
  Token lexInsideBrackets();
  Token lexString(char quote);
  Token lexNumberOrDuration();
  Token lexWord();
  Token make(TokenKind kind);
  Token error(std::string message);
  void skipSpaceAndComments();
  bool scanNumber();
  bool scanDurationRest();
  char peek(std::size_t ahead = 0) const;

  std::string_view input_;
  std::size_t pos_ = 0;
  std::size_t start_ = 0;
  int parenDepth_ = 0;
  bool braceOpen_ = false;
  bool bracketOpen_ = false;
  bool gotColon_ = false;
  bool gotDuration_ = false;
  bool done_ = false;
};

/// Whether `c` starts or continues an identifier.
bool isAlpha(char c);
bool isDigit(char c);

}  // namespace nova::promql::detail
