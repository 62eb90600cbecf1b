# Assembles the dashboard page without npm: the same template, styles and page script,
# with the series summarised in tables instead of uPlot charts.
#   cmake -DWEB_SRC=<web/src> -DOUTPUT=<file> -P plain_page.cmake
file(READ ${WEB_SRC}/index.html page)
file(READ ${WEB_SRC}/style.css style)
file(READ ${WEB_SRC}/charts_table.js charts)
file(READ ${WEB_SRC}/format.js format)
file(READ ${WEB_SRC}/app.js app)
string(REPLACE "@FLAVOR@" "plain" page "${page}")
string(REPLACE "@STYLE@" "${style}" page "${page}")
string(REPLACE "@SCRIPT@" "${format}\n${charts}\n${app}" page "${page}")
file(WRITE ${OUTPUT} "${page}")
