# Writes OUT, a C++ file defining ordo::storage::Migrations(): every DIR/NNN_name.<dialect>.sql
# in version order, as (version, name, dialect, sql).
file(GLOB files ${DIR}/*.sql)
list(SORT files)
set(arrays "")
set(entries "")
set(i 0)
foreach(f ${files})
  get_filename_component(fname ${f} NAME)
  string(REGEX MATCH "^([0-9]+)_(.*)\\.(sqlite|postgres)\\.sql$" m ${fname})
  if(NOT m)
    message(FATAL_ERROR "bad migration file name ${fname}")
  endif()
  set(name ${CMAKE_MATCH_2})
  set(dialect ${CMAKE_MATCH_3})
  math(EXPR version "${CMAKE_MATCH_1} + 0")
  file(READ ${f} content HEX)
  string(LENGTH "${content}" hexlen)
  math(EXPR len "${hexlen} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${content}")
  string(APPEND arrays "const unsigned char kSql${i}[] = {${bytes} 0};\n")
  string(APPEND entries "      {${version}, \"${name}\", \"${dialect}\", "
         "std::string_view(reinterpret_cast<const char*>(kSql${i}), ${len})},\n")
  math(EXPR i "${i} + 1")
endforeach()
file(WRITE ${OUT} "// Generated from src/storage/migrations; do not edit.\n"
  "#include \"storage/migrations.h\"\n"
  "namespace ordo::storage {\nnamespace {\n${arrays}}  // namespace\n"
  "const std::vector<Migration>& Migrations() {\n"
  "  static const std::vector<Migration> kAll = {\n${entries}  };\n  return kAll;\n}\n"
  "}  // namespace ordo::storage\n")
