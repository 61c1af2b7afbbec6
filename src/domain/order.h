#pragma once
// The sales order and its parts as the domain sees them. Plain values; the rules that
// act on them live in order_state.h, pricing.h, review_rules.h and reservation.h.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/decimal.h"
#include "common/time.h"
#include "domain/entities.h"

namespace ordo::domain {

enum class OrderStatus {
  kDraft,
  kPendingReview,
  kRejected,
  kApproved,
  kConfirmed,
  kInProgress,
  kCompleted,
  kClosed,
  kCancelled,
  kOnHold,
};
inline constexpr int kOrderStatusCount = 10;
std::string_view OrderStatusName(OrderStatus s);
std::optional<OrderStatus> ParseOrderStatus(std::string_view s);

enum class Channel { kPhone, kEmail, kVisit, kWeb, kEcommerce, kPartner };
std::string_view ChannelName(Channel c);
std::optional<Channel> ParseChannel(std::string_view s);

enum class PriceMode { kTaxExclusive, kTaxInclusive };
std::string_view PriceModeName(PriceMode m);
std::optional<PriceMode> ParsePriceMode(std::string_view s);

enum class Department { kSales, kFinance, kWarehouse };
inline constexpr Department kAllDepartments[] = {Department::kSales, Department::kFinance,
                                                 Department::kWarehouse};
std::string_view DepartmentName(Department d);
std::optional<Department> ParseDepartment(std::string_view s);

struct ShipTo {
  std::string name;
  std::string phone;
  std::string address;
  std::string postcode;
};

struct OrderLine {
  int line_no = 0;
  int64_t product_id = 0;
  std::string sku;
  std::string name;
  std::string spec;
  std::string unit;
  Qty qty;
  Money unit_price;
  Rate discount_rate;
  Rate tax_rate;
  Money net;
  Money tax;
  Money gross;
  std::optional<int64_t> warehouse_id;
  bool make_to_order = false;
  Qty reserved_qty;
  Qty backordered_qty;
  Qty shipped_qty;
  Qty delivered_qty;
  Qty invoiced_qty;
  Qty returned_qty;
};

struct Totals {
  Money net;
  Money tax;
  Money freight;
  Money discount;
  Money gross;
};

// A problem found at submit; visible to reviewers, overridden by its department.
struct Flag {
  std::string code;  // below_min_price | credit_limit_exceeded | insufficient_stock | ...
  Department department = Department::kSales;  // who must override it
  std::string message;
  std::optional<int> line_no;
};

struct Review {
  int round = 1;
  Department department = Department::kSales;
  bool approved = false;
  std::string comment;
  bool override_price = false;
  bool override_credit = false;
  std::optional<Date> restock_date;
  int64_t reviewer_id = 0;
  std::string reviewer;
  Millis created_at = 0;
};

struct Order {
  int64_t id = 0;
  std::string number;
  OrderStatus status = OrderStatus::kDraft;
  std::optional<OrderStatus> status_before_hold;
  std::string delivery_status = "not_delivered";
  std::string billing_status = "not_billed";
  std::string payment_status = "unpaid";
  Channel channel = Channel::kPhone;
  int64_t customer_id = 0;
  std::string customer_code;  // denormalised for search and display
  std::string customer_name;
  std::optional<int64_t> partner_id;
  PriceMode price_mode = PriceMode::kTaxExclusive;
  std::vector<OrderLine> lines;
  Totals totals;
  std::vector<Flag> flags;
  std::vector<Review> reviews;
  int review_round = 0;
  bool needs_confirmation = false;
  std::optional<Date> requested_delivery_date;
  std::optional<Date> promised_date;
  ShipTo ship_to;
  PaymentTerms payment_terms;
  InvoiceType invoice_type = InvoiceType::kVatSpecial;
  std::string special_requirements;
  std::string notes;
  std::string external_ref;
  std::string cancel_reason;
  std::string hold_reason;
  std::optional<int64_t> confirmed_by;
  std::optional<Millis> confirmed_at;
  int64_t created_by = 0;
  Millis created_at = 0;
  Millis updated_at = 0;
  int64_t version = 1;
};

// One entry of an order's (or any record's) timeline.
struct Event {
  int64_t id = 0;
  std::string entity;  // "order", "customer", ...
  int64_t entity_id = 0;
  std::string action;  // "create", "submit", "review", ...
  int64_t user_id = 0;
  std::string username;
  std::string data;  // JSON text of what changed, written by the service layer
  Millis created_at = 0;
};

}  // namespace ordo::domain
