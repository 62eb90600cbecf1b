#include "nova/core/labels.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "nova/core/sample.h"
#include "nova/core/suggest.h"

using nova::Label;
using nova::Labels;

TEST_CASE("labels are sorted, unique, and drop empty values") {
  Labels labels = Labels::fromUnsorted({{"b", "2"}, {"a", "1"}, {"b", "3"}, {"c", ""}});
  REQUIRE(labels.size() == 2);
  CHECK(labels.get("a") == "1");
  CHECK(labels.get("b") == "3");
  CHECK_FALSE(labels.has("c"));
}

TEST_CASE("labels print in the text format with escapes") {
  Labels labels{{"__name__", "up"}, {"job", "a\"b\\c\nd"}, {"env", "x"}};
  CHECK(labels.toString() == "up{env=\"x\", job=\"a\\\"b\\\\c\\nd\"}");
  CHECK(Labels{{"__name__", "up"}}.toString() == "up");
  CHECK(Labels{}.toString() == "{}");
}

TEST_CASE("label sets order as Prometheus sorts them") {
  // __name__ sorts after upper-case and before lower-case names.
  CHECK(Labels{{"A", "1"}} < Labels{{"__name__", "x"}});
  CHECK(Labels{{"__name__", "x"}} < Labels{{"a", "1"}});
  CHECK(Labels{{"a", "1"}} < Labels{{"a", "1"}, {"b", "1"}});
  CHECK(Labels{{"a", "1"}} < Labels{{"a", "2"}});
  CHECK_FALSE(Labels{{"a", "2"}} < Labels{{"a", "1"}});
}

TEST_CASE("builder edits and hashes follow content") {
  Labels base{{"__name__", "m"}, {"a", "1"}};
  Labels edited = nova::LabelsBuilder(base).set("b", "2").remove("__name__").build();
  CHECK(edited == Labels{{"a", "1"}, {"b", "2"}});
  CHECK(base.without({"__name__"}).hash() == Labels{{"a", "1"}}.hash());
  CHECK(Labels{{"ab", "c"}}.hash() != Labels{{"a", "bc"}}.hash());
}

TEST_CASE("the hash is the same FNV-1a as before the one-block layout") {
  // Pinned values: the hash orders nothing, but stays stable across releases.
  CHECK(Labels{{"__name__", "up"}, {"job", "a"}}.hash() == 4675791686862275803ULL);
  CHECK(Labels{}.hash() == 14695981039346656037ULL);
}

TEST_CASE("iteration yields views in order, convertible to owned labels") {
  const Labels labels{{"b", "2"}, {"a", "1"}, {"__name__", "m"}};
  std::vector<std::string> seen;
  for (const nova::LabelRef label : labels) {
    seen.push_back(std::string(label.name) + "=" + std::string(label.value));
  }
  CHECK(seen == std::vector<std::string>{"__name__=m", "a=1", "b=2"});
  const Label owned = *labels.begin();
  CHECK(owned == Label{"__name__", "m"});
  CHECK(labels.begin()->value == "m");
  CHECK(labels.end() - labels.begin() == 3);
  CHECK(labels.begin()[2].name == "b");
  CHECK(Labels{}.begin() == Labels{}.end());
}

TEST_CASE("fromViews sorts in place, keeps the last of a name, drops empty values") {
  std::string value = "value longer than sixteen bytes";
  std::vector<nova::LabelRef> views{{"z", "26"}, {"a", "first"}, {"m", ""}, {"a", value}};
  const Labels labels = Labels::fromViews(views);
  value.assign(value.size(), 'x');  // the set holds its own copy
  CHECK(labels.size() == 2);
  CHECK(labels.get("a") == "value longer than sixteen bytes");
  CHECK(labels.get("z") == "26");
  CHECK_FALSE(labels.has("m"));
  CHECK(views.front().name == "a");
  CHECK(labels == Labels::fromUnsorted({{"a", "value longer than sixteen bytes"}, {"z", "26"}}));
  CHECK(Labels::fromViews({}).empty());
}

TEST_CASE("equal content compares equal whatever order it was built in") {
  const Labels a{{"x", "1"}, {"y", "12345678"}, {"z", "123456789abcdefgh"}};
  const Labels b{{"z", "123456789abcdefgh"}, {"x", "1"}, {"y", "12345678"}};
  CHECK(a == b);
  CHECK(a.hash() == b.hash());
  CHECK_FALSE(a < b);
  CHECK_FALSE(a == Labels{{"x", "1"}, {"y", "12345678"}});
  CHECK_FALSE(Labels{{"ab", "c"}} == Labels{{"a", "bc"}});
}

TEST_CASE("copies and moves own their block") {
  Labels original{{"__name__", "http_requests_total"}, {"route", "/api/v1/streams/{id}"}};
  Labels copy = original;
  CHECK(copy == original);
  CHECK(copy.get("route").data() != original.get("route").data());
  Labels moved = std::move(original);
  CHECK(moved == copy);
  Labels assigned;
  assigned = copy;
  CHECK(assigned == copy);
  assigned = Labels{};
  CHECK(assigned.empty());
  CHECK(assigned.heapBytes() == 0);
  // Count, 2n+1 offsets and the text rounded up to whole 32-bit words.
  CHECK(copy.heapBytes() == 4 * (1 + 5) + (8 + 19 + 5 + 20));
}

TEST_CASE("large sets and every copy width keep their bytes") {
  std::vector<Label> many;
  for (int i = 0; i < 40; ++i) {
    // Names and values from 1 to 40 bytes cover the short, word and memcpy copies.
    many.push_back({"n" + std::string(static_cast<std::size_t>(i), 'a'),
                    std::string(static_cast<std::size_t>(i + 1), static_cast<char>('a' + i % 26))});
  }
  const Labels labels = Labels::fromUnsorted(many);
  REQUIRE(labels.size() == 40);
  for (const Label& label : many) {
    CHECK(labels.get(label.name) == label.value);
  }
  for (auto it = labels.begin() + 1; it != labels.end(); ++it) {
    CHECK(it[-1].name < it->name);
  }
}

TEST_CASE("builder replaces, removes and keeps only, from a base or from nothing") {
  const Labels base{{"__name__", "m"}, {"a", "1"}, {"b", "2"}};
  nova::LabelsBuilder builder(base);
  builder.set("a", "one").set("a", "uno").set("c", "3").remove("b");
  CHECK(builder.build() == Labels{{"__name__", "m"}, {"a", "uno"}, {"c", "3"}});
  CHECK(builder.build() == builder.build());
  builder.keepOnly({"a"});
  CHECK(builder.build() == Labels{{"a", "uno"}});
  CHECK(nova::LabelsBuilder().set("x", "").build().empty());
  CHECK(base.with("b", "").without({"__name__"}) == Labels{{"a", "1"}});
  CHECK(base.with("0", "zero").begin()->name == "0");
}

TEST_CASE("stale markers are a NaN of their own") {
  CHECK(nova::isStaleNaN(nova::staleNaN()));
  CHECK(std::isnan(nova::staleNaN()));
  CHECK_FALSE(nova::isStaleNaN(std::nan("")));
}

TEST_CASE("closestMatch suggests likely typos only") {
  const std::string_view names[] = {"rate", "irate", "delta", "histogram_quantile"};
  CHECK(nova::closestMatch("ratee", names).value() == "rate");
  CHECK(nova::closestMatch("histogram_quantil", names).value() == "histogram_quantile");
  CHECK_FALSE(nova::closestMatch("zzzzzz", names).has_value());
}
