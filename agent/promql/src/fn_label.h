#pragma once

#include <string>
#include <vector>

#include "eval_context.h"

namespace nova::promql::detail {

/// label_replace(v, dst, replacement, src, regex): where the anchored regex matches the
/// value of `src`, sets `dst` to the expanded replacement ($1, ${name}; empty removes it).
Result<EvalVector> labelReplace(EvalVector in, const std::string& dst, const std::string& repl,
                                const std::string& src, const std::string& regex);

/// label_join(v, dst, separator, src...): sets `dst` to the source values joined.
Result<EvalVector> labelJoin(EvalVector in, const std::string& dst, const std::string& separator,
                             const std::vector<std::string>& sources);

}  // namespace nova::promql::detail
