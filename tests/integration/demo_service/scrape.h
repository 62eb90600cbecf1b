#pragma once

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "nova/expo/parser.h"

namespace nova::demo::test {

/// A parsed /metrics page: the families with their types and every sample.
struct Scrape {
  struct Sample {
    std::string name;
    std::map<std::string, std::string> labels;
    double value = 0;
  };
  std::map<std::string, expo::MetricType> families;
  std::vector<Sample> samples;

  /// Parses with the agent's own exposition parser; throws with the line:column on errors.
  static Scrape parse(const std::string& body) {
    Scrape out;
    expo::Parser parser(body);
    expo::SampleView view;
    while (parser.next(view)) {
      out.families[std::string(view.family)] = view.type;
      Sample sample{std::string(view.name), {}, view.value};
      for (const auto& label : view.labels) {
        sample.labels[std::string(label.name)] = std::string(label.value);
      }
      out.samples.push_back(std::move(sample));
    }
    if (parser.error()) {
      throw std::runtime_error("bad exposition: " + parser.error()->toString());
    }
    return out;
  }

  /// Sum over the samples named `name` whose labels include every pair in `match`.
  double sum(const std::string& name, const std::map<std::string, std::string>& match = {}) const {
    double total = 0;
    for (const Sample& sample : samples) {
      if (sample.name == name && matches(sample, match)) {
        total += sample.value;
      }
    }
    return total;
  }

  /// The value of the one sample with exactly these labels, if present.
  std::optional<double> value(const std::string& name,
                              const std::map<std::string, std::string>& labels = {}) const {
    for (const Sample& sample : samples) {
      if (sample.name == name && sample.labels == labels) {
        return sample.value;
      }
    }
    return std::nullopt;
  }

 private:
  static bool matches(const Sample& sample, const std::map<std::string, std::string>& match) {
    for (const auto& [key, want] : match) {
      const auto it = sample.labels.find(key);
      if (it == sample.labels.end() || it->second != want) {
        return false;
      }
    }
    return true;
  }
};

}  // namespace nova::demo::test
