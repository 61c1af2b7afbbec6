// SqliteTx: the order list with a search term (ListOrders with OrderFilter::q).
//
// The term q matches an order whose number, customer code, customer name or external
// reference contains it (LIKE '%q%': ASCII letters in either case). Scanning a million
// orders for that takes a second; instead each way an order can match is looked up
// where that is cheap (the structures are kept by the triggers of migration 002):
//   - customer code and name: q is matched against order_customers, the few distinct
//     (customer, code, name) the orders carry. A customer all of whose (code, name)
//     match contributes all its orders: a "whole" customer, counted from order_customers
//     or an index range. One with some matching and some not (renamed since) is
//     "partial": its orders are checked one by one.
//   - number and external reference: a term of three or more characters is looked up in
//     the trigram index orders_search (lower-cased text, case-sensitive trigrams: exactly
//     LIKE's matches), or a more selective part of it and then checked (SelectivePhrase);
//     a shorter term with a character outside printable ASCII can only match the orders
//     of the partial index orders_nonascii_keys; a term of one or two printable ASCII
//     characters is the one case left that reads every order.
// The matches other than the whole customers' are few unless the term is very short:
// they are collected with their sort keys. When the whole customers' orders are few too,
// they are collected as well and the page is cut in memory; when they are many, the page
// is read by walking the sort order and skipping the orders that do not match.

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "storage/sqlite/order_rows.h"
#include "storage/sqlite/query.h"
#include "storage/sqlite/sqlite_tx.h"

namespace ordo::storage::sqlite {

namespace {

// Characters (UTF-8 code points) in s.
size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (const char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

bool PrintableAscii(std::string_view s) {
  for (const char c : s) {
    if (c < 0x20 || c > 0x7E) return false;
  }
  return true;
}

std::string LowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// The FTS5 query for the phrase s, lower-cased as the index is (ASCII letters only, as
// SQLite's lower() and LIKE fold them).
std::string FtsPhrase(std::string_view s) {
  std::string out = "\"";
  for (const char c : LowerAscii(s)) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string Placeholders(size_t n) {
  std::string sql;
  for (size_t i = 0; i < n; ++i) sql += i == 0 ? "?" : ", ?";
  return sql;
}

// An order's id and the keys every list sort needs.
struct Key {
  int64_t id = 0;
  int64_t created_at = 0;
  int64_t gross = 0;
  std::string number;
};
constexpr const char* kKeyColumns = "SELECT id, created_at, gross, number FROM orders";

// True when a comes before b in the list order of `sort` (the order of OrderSortSql).
bool Before(const Key& a, const Key& b, OrderSort sort) {
  switch (sort) {
    case OrderSort::kCreatedDesc:
      return a.created_at != b.created_at ? a.created_at > b.created_at : a.id > b.id;
    case OrderSort::kCreatedAsc:
      return a.created_at != b.created_at ? a.created_at < b.created_at : a.id < b.id;
    case OrderSort::kNumberDesc:
      return a.number != b.number ? a.number > b.number : a.id > b.id;
    case OrderSort::kNumberAsc:
      return a.number != b.number ? a.number < b.number : a.id < b.id;
    case OrderSort::kGrossDesc:
      return a.gross != b.gross ? a.gross > b.gross : a.id > b.id;
    case OrderSort::kGrossAsc:
      return a.gross != b.gross ? a.gross < b.gross : a.id < b.id;
  }
  return a.id > b.id;
}

}  // namespace

Result<std::string> SqliteTx::SelectivePhrase(const std::string& q) {
  // The term's trigrams, by characters, lower-cased as the index is.
  const std::string lower = LowerAscii(q);
  std::vector<size_t> starts;  // byte offset of each character
  for (size_t i = 0; i < lower.size(); ++i) {
    if ((static_cast<unsigned char>(lower[i]) & 0xC0) != 0x80) starts.push_back(i);
  }
  starts.push_back(lower.size());
  const size_t n = starts.size() - 1;  // characters
  const auto part = [&](size_t from, size_t trigrams) {
    return std::string_view(lower).substr(starts[from], starts[from + trigrams + 2] - starts[from]);
  };
  // How many orders hold each trigram: a phrase query walks the whole list of every
  // trigram in it, and one that every order number shares ("so2") has a million. A
  // trigram the stats do not know yet is counted here, up to kCap.
  constexpr int64_t kCap = 20000;
  std::vector<double> docs(n - 2);
  std::vector<bool> capped(n - 2, false);  // counted here and reached kCap
  for (size_t i = 0; i < docs.size(); ++i) {
    const std::string trigram(part(i, 1));
    std::optional<int64_t> known = stats_ ? stats_->Get(trigram) : std::nullopt;
    if (!known) {
      ASSIGN_OR_RETURN(Stmt st, conn_.Prepare("SELECT count(*) FROM (SELECT rowid FROM "
                                              "orders_search WHERE orders_search MATCH ? "
                                              "LIMIT 20000)"));
      st.Bind(FtsPhrase(trigram));
      ASSIGN_OR_RETURN(bool row, st.Step());
      known = row ? st.Int(0) : 0;
      capped[i] = *known >= kCap;
      if (stats_ && !capped[i]) stats_->Put(trigram, *known);
    }
    if (*known == 0) return FtsPhrase(q);  // nothing holds it: the whole term is cheap
    docs[i] = static_cast<double>(*known);
  }
  // A trigram counted here to the cap may be in every order.
  int64_t all_orders = kCap;
  {
    ASSIGN_OR_RETURN(Stmt st, conn_.Prepare("SELECT COALESCE(SUM(n), 0) FROM order_status_counts"));
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (row) all_orders = std::max<int64_t>(all_orders, st.Int(0));
  }
  for (size_t i = 0; i < docs.size(); ++i) {
    if (capped[i]) docs[i] = static_cast<double>(all_orders);
  }
  // The cheapest run of neighbouring trigrams, by an estimate in microseconds: walking
  // its lists (about 4 ns an entry) plus checking what it finds against the whole term
  // (about 1.5 µs an order; each further trigram is taken to halve what the rarest finds).
  // The whole term needs no check afterwards.
  size_t best_from = 0, best_len = docs.size();
  double best_cost = 0;
  for (double d : docs) best_cost += d * 0.004;
  for (size_t from = 0; from < docs.size(); ++from) {
    double walk = 0, rarest = static_cast<double>(all_orders);
    for (size_t len = 1; from + len <= docs.size(); ++len) {
      walk += docs[from + len - 1] * 0.004;
      rarest = std::min(rarest, docs[from + len - 1]);
      if (len == docs.size()) break;  // the whole term, costed above
      const double cost =
          walk + 1.5 * rarest / static_cast<double>(1u << std::min<size_t>(len - 1, 20));
      if (cost < best_cost) {
        best_cost = cost;
        best_from = from;
        best_len = len;
      }
    }
  }
  return FtsPhrase(part(best_from, best_len));
}

Result<Page<Order>> SqliteTx::SearchOrders(const OrderFilter& f, const Where& filters,
                                           int64_t by_status) {
  const std::string pattern = ContainsPattern(f.q);
  std::vector<Where::Value> whole;    // customer ids all of whose orders match
  std::vector<Where::Value> partial;  // customer ids some of whose orders match
  {
    ASSIGN_OR_RETURN(Stmt st, conn_.Prepare("SELECT customer_id, (code LIKE ?1 ESCAPE '\\' OR "
                                            "name LIKE ?1 ESCAPE '\\') FROM order_customers "
                                            "ORDER BY customer_id"));
    st.Bind(pattern);
    int64_t current = 0;
    bool seen = false, all = true, any = false;
    auto close = [&] {
      if (!seen) return;
      if (all) {
        whole.emplace_back(current);
      } else if (any) {
        partial.emplace_back(current);
      }
    };
    for (;;) {
      ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      const int64_t id = st.Int(0);
      const bool hit = st.Bool(1);
      if (!seen || id != current) {
        close();
        current = id;
        seen = true;
        all = true;
        any = false;
      }
      all = all && hit;
      any = any || hit;
    }
    close();
  }

  // The number-or-reference condition.
  // The number-or-reference condition, `keys`, and the same with no index to serve it.
  std::string keys;
  std::string keys_walk;
  std::vector<Where::Value> key_params;
  bool indexed = true;  // false: no index finds them, every order is read
  const char* kLike = "(number LIKE ? ESCAPE '\\' OR external_ref LIKE ? ESCAPE '\\')";
  std::string phrase;
  if (CodePoints(f.q) >= 3) {
    ASSIGN_OR_RETURN(phrase, SelectivePhrase(f.q));
    keys = "id IN (SELECT rowid FROM orders_search WHERE orders_search MATCH ?)";
    key_params = {phrase};
    if (phrase != FtsPhrase(f.q)) {
      // A part of the term was looked up: check the whole of it on what that found.
      keys += std::string(" AND ") + kLike;
      key_params.emplace_back(pattern);
      key_params.emplace_back(pattern);
    }
    keys_walk = "+" + keys;
  } else if (!PrintableAscii(f.q)) {
    keys =
        "id IN (SELECT id FROM orders INDEXED BY orders_nonascii_keys "
        "WHERE (number GLOB '*[^ -~]*' OR external_ref GLOB '*[^ -~]*') AND " +
        std::string(kLike) + ")";
    key_params = {pattern, pattern};
    keys_walk = "+" + keys;
  } else {
    keys = kLike;
    keys_walk = kLike;
    key_params = {pattern, pattern};
    indexed = false;
  }
  const std::string whole_in = "customer_id IN (" + Placeholders(whole.size()) + ")";
  const std::string not_whole = "customer_id NOT IN (" + Placeholders(whole.size()) + ")";
  const std::string partial_match = "customer_id IN (" + Placeholders(partial.size()) +
                                    ") AND (customer_code LIKE ? ESCAPE '\\' OR "
                                    "customer_name LIKE ? ESCAPE '\\')";
  std::vector<Where::Value> partial_params = partial;
  partial_params.emplace_back(pattern);
  partial_params.emplace_back(pattern);

  const auto read_keys = [&](const std::string& from, const Where& w,
                             std::vector<Key>& out) -> Status {
    ASSIGN_OR_RETURN(Stmt st, conn_.Prepare(from + w.Sql()));
    w.BindTo(st);
    for (;;) {
      ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) return Status::Ok();
      out.push_back({st.Int(0), st.Int(1), st.Int(2), st.Text(3)});
    }
  };

  Page<Order> out;
  // The matches outside the whole customers: by the number-or-reference condition (the
  // orders it names, looked up by id: NOT INDEXED keeps SQLite from walking a status
  // index instead), and by the partial customers' orders.
  std::vector<Key> rest;
  bool collected = false;  // rest holds them all
  const auto collect_rest = [&]() -> Status {
    Where w = filters;
    w.AndWith(keys, key_params);
    if (!whole.empty()) w.AndWith(not_whole, whole);
    RETURN_IF_ERROR(read_keys(std::string(kKeyColumns) + " NOT INDEXED", w, rest));
    if (!partial.empty()) {
      Where wp = filters;
      wp.AndWith(partial_match, partial_params);
      if (!whole.empty()) wp.AndWith(not_whole, whole);
      std::vector<Key> more;
      RETURN_IF_ERROR(read_keys(kKeyColumns, wp, more));
      std::unordered_set<int64_t> seen;
      for (const Key& k : rest) seen.insert(k.id);
      for (Key& k : more) {
        if (seen.insert(k.id).second) rest.push_back(std::move(k));
      }
    }
    collected = true;
    return Status::Ok();
  };
  int64_t rest_total = 0;
  if (indexed) {
    RETURN_IF_ERROR(collect_rest());
    rest_total = static_cast<int64_t>(rest.size());
  } else {
    Where w = filters;
    std::string any = keys;
    std::vector<Where::Value> any_params = key_params;
    if (!partial.empty()) {
      any = "(" + keys + ") OR (" + partial_match + ")";
      any_params.insert(any_params.end(), partial_params.begin(), partial_params.end());
    }
    w.AndWith(any, any_params);
    if (!whole.empty()) w.AndWith(not_whole, whole);
    ASSIGN_OR_RETURN(rest_total, CountRows(conn_, "orders", w));
  }

  // The whole customers' orders.
  int64_t whole_total = 0;
  if (!whole.empty() && filters.empty()) {
    // No other filter: order_customers knows how many orders each customer has.
    ASSIGN_OR_RETURN(Stmt st, conn_.Prepare("SELECT COALESCE(SUM(n), 0) FROM order_customers "
                                            "WHERE " +
                                            whole_in));
    for (const auto& id : whole) st.Bind(std::get<int64_t>(id));
    ASSIGN_OR_RETURN(bool row, st.Step());
    whole_total = row ? st.Int(0) : 0;
  } else if (!whole.empty()) {
    Where w = filters;
    w.AndWith(whole_in, whole);
    ASSIGN_OR_RETURN(whole_total, CountRows(conn_, "orders", w));
  }
  out.total = whole_total + rest_total;

  const Window window = WindowOf(f.page);
  if (out.total == 0 || window.offset >= out.total) return out;
  // Collecting every match reads each once; walking the sort order reads about
  // (offset + limit) × by_status / total rows. There is no index in gross order.
  // (A term looked up in no index is walked whatever the total.)
  const int64_t uncollected = collected ? whole_total : out.total;
  const bool walk =
      !indexed || (f.sort != OrderSort::kGrossAsc && f.sort != OrderSort::kGrossDesc &&
                   static_cast<double>(uncollected) * static_cast<double>(out.total) >
                       static_cast<double>(window.offset + window.limit) *
                           static_cast<double>(std::max(by_status, out.total)));
  if (walk) {
    // Every match condition with a unary + on its column, so that no index serves it:
    // SQLite then walks the sort order (or a status index in it) and skips the rest.
    std::string sql = "(" + keys_walk + ")";
    std::vector<Where::Value> params = key_params;
    if (!partial.empty()) {
      sql += " OR (+" + partial_match + ")";
      params.insert(params.end(), partial_params.begin(), partial_params.end());
    }
    if (!whole.empty()) {
      sql = "+" + whole_in + " OR " + sql;
      params.insert(params.begin(), whole.begin(), whole.end());
    }
    Where w = filters;
    w.AndWith(sql, params);
    ASSIGN_OR_RETURN(out.items, ReadOrderPage(OrderHeaderSelect() + w.Sql() + OrderSortSql(f.sort) +
                                                  " LIMIT ? OFFSET ?",
                                              w, window));
    return out;
  }
  // Collect: the whole customers' orders too, then sort, cut, and read the page by id.
  if (!collected) RETURN_IF_ERROR(collect_rest());
  if (!whole.empty()) {
    Where w = filters;
    w.AndWith(whole_in, whole);
    RETURN_IF_ERROR(read_keys(kKeyColumns, w, rest));
  }
  const size_t begin = static_cast<size_t>(window.offset);
  const size_t end = std::min(rest.size(), begin + static_cast<size_t>(window.limit));
  if (begin >= end) return out;
  const auto before = [&](const Key& a, const Key& b) { return Before(a, b, f.sort); };
  std::partial_sort(rest.begin(), rest.begin() + static_cast<std::ptrdiff_t>(end), rest.end(),
                    before);
  std::vector<int64_t> ids;
  for (size_t i = begin; i < end; ++i) ids.push_back(rest[i].id);
  Where by_id;
  std::vector<Where::Value> id_params(ids.begin(), ids.end());
  by_id.AndWith("id IN (" + Placeholders(ids.size()) + ")", id_params);
  ASSIGN_OR_RETURN(
      std::vector<Order> rows,
      ReadOrderPage(OrderHeaderSelect() + by_id.Sql() + OrderSortSql(f.sort) + " LIMIT ? OFFSET ?",
                    by_id, Window{static_cast<int64_t>(ids.size()), 0}));
  out.items = std::move(rows);
  return out;
}

}  // namespace ordo::storage::sqlite
