# Writes OUT, a C++ file defining ordo::http::kOpenApiJson with the contents of IN.
file(READ ${IN} content HEX)
string(LENGTH "${content}" hexlen)
math(EXPR len "${hexlen} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${content}")
file(WRITE ${OUT} "// Generated from ${IN}; do not edit.\n#include <string_view>\n"
     "namespace ordo::http {\nnamespace {\nconst unsigned char kData[] = {${bytes} 0};\n}\n"
     "extern const std::string_view kOpenApiJson;\n"
     "const std::string_view kOpenApiJson(reinterpret_cast<const char*>(kData), ${len});\n}\n")
