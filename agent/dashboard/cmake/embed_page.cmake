# Turns the built page into a C++ source with its bytes, so the agent serves it from
# memory with no file beside the binary.
#   cmake -DINPUT=<page.html> -DOUTPUT=<page.cpp> -DFLAVOR=kCharts|kPlain -P embed_page.cmake
file(READ ${INPUT} hex HEX)
string(LENGTH "${hex}" hex_length)
math(EXPR size "${hex_length} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
# Sixteen bytes a line keeps the generated file readable in a diff or a debugger.
string(REGEX REPLACE "((0x[0-9a-f][0-9a-f],){16})" "\\1\n" bytes "${bytes}")
file(WRITE ${OUTPUT}.tmp
"// Generated from ${INPUT} by embed_page.cmake; do not edit.
#include \"nova/dashboard/page.h\"

namespace nova::dashboard {
namespace {
constexpr unsigned char kPage[${size}] = {
${bytes}
};
}  // namespace

std::string_view dashboardPage() {
  return {reinterpret_cast<const char*>(kPage), sizeof kPage};
}

PageFlavor dashboardPageFlavor() {
  return PageFlavor::${FLAVOR};
}

}  // namespace nova::dashboard
")
# Only a changed page touches the source, so an unchanged rebuild compiles nothing.
file(COPY_FILE ${OUTPUT}.tmp ${OUTPUT} ONLY_IF_DIFFERENT)
file(REMOVE ${OUTPUT}.tmp)
