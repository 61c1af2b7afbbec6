#pragma once
// The order header's columns and sorts, shared by the order statements
// (sqlite_tx_orders.cc) and the order search (sqlite_tx_search.cc).

#include <string>

#include "storage/sqlite/statement.h"
#include "storage/store.h"

namespace ordo::storage::sqlite {

// "SELECT id, number, ..." (every header column), without a FROM.
const std::string& OrderHeaderColumns();
// The same, FROM orders.
const std::string& OrderHeaderSelect();
// The current row of a statement that selected OrderHeaderColumns() first.
domain::Order ReadOrderHeader(Stmt& st);
// " ORDER BY ..." of a list sort; id breaks ties.
const char* OrderSortSql(OrderSort sort);

}  // namespace ordo::storage::sqlite
