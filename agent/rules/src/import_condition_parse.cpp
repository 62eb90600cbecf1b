// A recursive-descent reader for the subset of expr-lang that Argo Rollouts conditions use
// with the Prometheus provider.
#include "import_condition_parse.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <optional>

namespace nova::rules::detail {
namespace {

// Conditions are one-liners; these bounds keep a hostile one from exhausting the stack
// while it is read, evaluated or freed.
constexpr int kMaxDepth = 64;
constexpr std::size_t kMaxNodes = 512;

constexpr std::array<std::string_view, 8> kOverValues{"all",    "any", "none",  "one",
                                                      "filter", "map", "count", "sum"};

struct Token {
  enum class Kind { kNumber, kName, kSymbol, kEnd };
  Kind kind = Kind::kEnd;
  std::string_view text;
  std::size_t offset = 0;
};

class Reader {
 public:
  Reader(std::string_view text, ConditionRefusal& refusal) : text_(text), refusal_(refusal) {
    advance();
  }

  ConditionNodePtr parse() {
    auto node = parseOr();
    if (node && token_.kind != Token::Kind::kEnd) {
      return refuse(token_.offset, "unexpected \"" + std::string(token_.text) + "\"");
    }
    return node;
  }

 private:
  ConditionNodePtr refuse(std::size_t offset, std::string reason) {
    if (!failed_) {
      refusal_ = ConditionRefusal{offset, std::move(reason)};
      failed_ = true;
    }
    return nullptr;
  }

  void advance() {
    std::size_t i = next_;
    while (i < text_.size() && std::isspace(static_cast<unsigned char>(text_[i]))) {
      ++i;
    }
    token_ = Token{Token::Kind::kEnd, {}, i};
    if (i >= text_.size()) {
      next_ = i;
      return;
    }
    const char c = text_[i];
    std::size_t end = i + 1;
    if (std::isdigit(static_cast<unsigned char>(c)) ||
        (c == '.' && i + 1 < text_.size() &&
         std::isdigit(static_cast<unsigned char>(text_[i + 1])))) {
      char* stop = nullptr;
      const std::string rest(text_.substr(i));
      std::strtod(rest.c_str(), &stop);
      end = i + static_cast<std::size_t>(stop - rest.c_str());
      token_.kind = Token::Kind::kNumber;
    } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      while (end < text_.size() &&
             (std::isalnum(static_cast<unsigned char>(text_[end])) || text_[end] == '_')) {
        ++end;
      }
      token_.kind = Token::Kind::kName;
    } else {
      const std::string_view two = text_.substr(i, 2);
      if (two == "&&" || two == "||" || two == "==" || two == "!=" || two == "<=" || two == ">=") {
        end = i + 2;
      }
      token_.kind = Token::Kind::kSymbol;
    }
    token_.text = text_.substr(i, end - i);
    next_ = end;
  }

  bool accept(std::string_view text) {
    if (token_.kind != Token::Kind::kNumber && token_.text == text) {
      advance();
      return true;
    }
    return false;
  }

  bool expect(std::string_view text) {
    if (accept(text)) {
      return true;
    }
    refuse(token_.offset, "expected \"" + std::string(text) + "\"");
    return false;
  }

  ConditionNodePtr make(ConditionNode::Kind kind, std::size_t offset) {
    if (++nodes_ > kMaxNodes) {
      return refuse(offset, "the condition is too long to convert (over " +
                                std::to_string(kMaxNodes) + " terms)");
    }
    auto node = std::make_unique<ConditionNode>();
    node->kind = kind;
    node->offset = offset;
    return node;
  }

  ConditionNodePtr binary(ConditionNode::Kind kind, ConditionNodePtr lhs, ConditionNodePtr rhs) {
    if (!lhs || !rhs) {
      return nullptr;
    }
    auto node = make(kind, lhs->offset);
    if (!node) {
      return nullptr;
    }
    node->kids.push_back(std::move(lhs));
    node->kids.push_back(std::move(rhs));
    return node;
  }

  ConditionNodePtr parseOr() {
    if (depth_ >= kMaxDepth) {
      return refuse(token_.offset, "the condition nests too deeply to convert (over " +
                                       std::to_string(kMaxDepth) + " levels)");
    }
    ++depth_;
    auto node = parseAnd();
    while (node && (accept("||") || accept("or"))) {
      node = binary(ConditionNode::Kind::kOr, std::move(node), parseAnd());
    }
    --depth_;
    return node;
  }

  ConditionNodePtr parseAnd() {
    auto node = parseUnary();
    while (node && (accept("&&") || accept("and"))) {
      node = binary(ConditionNode::Kind::kAnd, std::move(node), parseUnary());
    }
    return node;
  }

  ConditionNodePtr parseUnary() {
    const std::size_t at = token_.offset;
    if (accept("!") || accept("not")) {
      if (depth_ >= kMaxDepth) {
        return refuse(at, "the condition nests too deeply to convert (over " +
                              std::to_string(kMaxDepth) + " levels)");
      }
      ++depth_;
      auto operand = parseUnary();
      --depth_;
      if (!operand) {
        return nullptr;
      }
      auto node = make(ConditionNode::Kind::kNot, at);
      if (!node) {
        return nullptr;
      }
      node->kids.push_back(std::move(operand));
      return node;
    }
    return parseComparison();
  }

  ConditionNodePtr parseComparison() {
    auto lhs = parseOperand();
    if (!lhs) {
      return nullptr;
    }
    static constexpr std::array<std::string_view, 6> kOps{"==", "!=", "<=", ">=", "<", ">"};
    for (std::string_view op : kOps) {
      if (accept(op)) {
        auto node = binary(ConditionNode::Kind::kCompare, std::move(lhs), parseOperand());
        if (node) {
          node->op = *parseThresholdOp(op);
        }
        return node;
      }
    }
    return lhs;
  }

  ConditionNodePtr parseNumber(bool negative) {
    auto node = make(ConditionNode::Kind::kNumber, token_.offset);
    if (!node) {
      return nullptr;
    }
    node->number = std::strtod(std::string(token_.text).c_str(), nullptr) * (negative ? -1 : 1);
    advance();
    return node;
  }

  ConditionNodePtr parseOperand() {
    const Token at = token_;
    if (accept("(")) {
      auto inner = parseOr();
      return inner && expect(")") ? std::move(inner) : nullptr;
    }
    if (at.kind == Token::Kind::kNumber) {
      return parseNumber(false);
    }
    if (accept("-")) {
      if (token_.kind != Token::Kind::kNumber) {
        return refuse(at.offset, "arithmetic is not converted");
      }
      return parseNumber(true);
    }
    if (at.kind != Token::Kind::kName) {
      return refuse(at.offset, at.text.empty()
                                   ? "the condition ends too early"
                                   : "\"" + std::string(at.text) + "\" is not converted");
    }
    advance();
    if (at.text == "true" || at.text == "false") {
      auto node = make(ConditionNode::Kind::kBool, at.offset);
      if (!node) {
        return nullptr;
      }
      node->flag = at.text == "true";
      return node;
    }
    if (at.text == "result") {
      return parseFirst(at.offset);
    }
    return parseCall(at);
  }

  // result[0]
  ConditionNodePtr parseFirst(std::size_t offset) {
    if (!accept("[")) {
      return refuse(offset, "result is converted as result[0] or len(result) only");
    }
    if (token_.kind != Token::Kind::kNumber || token_.text != "0") {
      return refuse(token_.offset,
                    "only result[0] is converted (the agent judges every sample of the query)");
    }
    advance();
    return expect("]") ? make(ConditionNode::Kind::kFirst, offset) : nullptr;
  }

  ConditionNodePtr parseCall(const Token& name) {
    using Kind = ConditionNode::Kind;
    std::optional<Kind> kind;
    if (name.text == "len") {
      kind = Kind::kLength;
    } else if (name.text == "isNaN") {
      kind = Kind::kIsNaN;
    } else if (name.text == "asInt") {
      kind = Kind::kAsInt;
    } else if (name.text == "asFloat") {
      kind = Kind::kAsFloat;
    } else if (std::find(kOverValues.begin(), kOverValues.end(), name.text) != kOverValues.end()) {
      return refuse(name.offset, std::string(name.text) +
                                     "() works over every value of the result; only result[0] "
                                     "and len(result) are converted");
    } else if (name.text == "default" || name.text == "isNil") {
      return refuse(name.offset, std::string(name.text) +
                                     "() looks at a nil result, which the Prometheus provider "
                                     "never gives");
    } else {
      return refuse(name.offset, "\"" + std::string(name.text) + "\" is not converted");
    }
    if (!expect("(")) {
      return nullptr;
    }
    auto node = make(*kind, name.offset);
    if (!node) {
      return nullptr;
    }
    if (*kind == Kind::kLength) {
      if (token_.text != "result") {
        return refuse(token_.offset, "len() is converted for len(result) only");
      }
      advance();
    } else {
      auto arg = parseOr();
      if (!arg) {
        return nullptr;
      }
      node->kids.push_back(std::move(arg));
    }
    return expect(")") ? std::move(node) : nullptr;
  }

  std::string_view text_;
  ConditionRefusal& refusal_;
  Token token_;
  std::size_t next_ = 0;
  bool failed_ = false;
  int depth_ = 0;
  std::size_t nodes_ = 0;
};

}  // namespace

ConditionNodePtr parseCondition(std::string_view text, ConditionRefusal& refusal) {
  Reader reader(text, refusal);
  return reader.parse();
}

}  // namespace nova::rules::detail
