#include "nova/core/labels.h"

#include <doctest/doctest.h>

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
