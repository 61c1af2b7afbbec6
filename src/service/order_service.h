#pragma once
// The order lifecycle use cases: create (and submit), edit, submit, review, confirm,
// cancel, hold, release, read, list and the timeline. Each call is one transaction that
// writes the order, its stock reservations and movements, and its audit events together.
// Thread-safe.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "domain/order.h"
#include "domain/review_rules.h"
#include "service/deps.h"
#include "service/master_service.h"

namespace ordo::service {

struct LineInput {
  int64_t product_id = 0;
  Qty qty;
  std::optional<Money> unit_price;  // default: the product's list price
  Rate discount_rate;
  std::optional<int64_t> warehouse_id;
};

// Create takes every field (absent ones get defaults); Edit applies the present ones.
struct OrderInput {
  std::optional<int64_t> customer_id;
  std::optional<domain::Channel> channel;
  std::optional<domain::PriceMode> price_mode;
  std::optional<std::vector<LineInput>> lines;
  std::optional<Money> freight;
  std::optional<Money> discount_amount;
  std::optional<std::optional<Date>> requested_delivery_date;
  std::optional<domain::ShipTo> ship_to;
  std::optional<domain::PaymentTerms> payment_terms;
  std::optional<domain::InvoiceType> invoice_type;
  std::optional<std::string> special_requirements;
  std::optional<std::string> notes;
  std::optional<std::string> external_ref;
  bool submit = false;
};

// Checks of the input's values that need no data (quantities > 0, rates, ranges); every
// problem is added to `errors`. The HTTP layer calls it too, so that type errors and
// value errors come back together.
void CheckOrderInput(const OrderInput& in, FieldErrors& errors);

struct IdempotencyKey {
  std::string key;           // empty: none sent
  std::string request_hash;  // of method, path and body
  // Renders the answer that is stored with the key, so a retry gets the first answer.
  std::function<std::string(const domain::Order&)> render;
};

struct CreateResult {
  domain::Order order;
  bool replayed = false;     // an earlier request with the same key created it
  std::string first_answer;  // when replayed: the body answered the first time
};

class OrderService {
 public:
  explicit OrderService(const Deps& deps) : deps_(deps) {}

  Result<CreateResult> Create(const domain::Actor& actor, const OrderInput& input,
                              const IdempotencyKey& idem);
  Result<domain::Order> Get(const domain::Actor& actor, int64_t id);
  Result<storage::Page<domain::Order>> List(const domain::Actor& actor, storage::OrderFilter f);
  // An edit that changes nothing (as `view` shows the order) writes nothing; otherwise its
  // audit event holds the fields of the view that changed, before and after.
  Result<domain::Order> Edit(const domain::Actor& actor, int64_t id, const OrderInput& input,
                             std::optional<int64_t> if_match, const View<domain::Order>& view);
  Result<domain::Order> Submit(const domain::Actor& actor, int64_t id,
                               std::optional<int64_t> if_match);
  Result<domain::Order> Review(const domain::Actor& actor, int64_t id,
                               const domain::ReviewRequest& req, std::optional<int64_t> if_match);
  Result<domain::Order> Confirm(const domain::Actor& actor, int64_t id,
                                std::optional<int64_t> if_match);
  Result<domain::Order> Cancel(const domain::Actor& actor, int64_t id, const std::string& reason,
                               std::optional<int64_t> if_match);
  Result<domain::Order> Hold(const domain::Actor& actor, int64_t id, const std::string& reason,
                             std::optional<int64_t> if_match);
  Result<domain::Order> Release(const domain::Actor& actor, int64_t id,
                                std::optional<int64_t> if_match);
  Result<std::vector<domain::Event>> Events(const domain::Actor& actor, int64_t id);

 private:
  const Deps& deps_;
};

}  // namespace ordo::service
