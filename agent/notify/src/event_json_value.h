#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "nova/notify/notifier.h"

namespace nova::notify::detail {

/// The object eventJson() serializes, for payload builders that embed it.
boost::json::object eventObject(const Notification& notification);
/// Rules as [{name, value, threshold, summary}], NaN as null.
boost::json::array rulesJson(const std::vector<NotifiedRule>& rules);
/// A finite number, or null.
boost::json::value numberOrNull(double v);

}  // namespace nova::notify::detail
