#pragma once
// Master data records: users, customers, products, warehouses, stock. Plain values.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/decimal.h"
#include "common/time.h"
#include "domain/roles.h"

namespace ordo::domain {

struct User {
  int64_t id = 0;
  std::string username;
  std::string display_name;
  std::vector<Role> roles;
  std::optional<int64_t> partner_id;
  bool active = true;
  std::string locale = "zh-CN";
  Millis created_at = 0;
  Millis updated_at = 0;
  int64_t version = 1;
};

enum class PaymentMethod { kPrepayment, kCashOnDelivery, kNet, kInstallment };
std::string_view PaymentMethodName(PaymentMethod m);
std::optional<PaymentMethod> ParsePaymentMethod(std::string_view s);

struct PaymentTerms {
  PaymentMethod method = PaymentMethod::kNet;
  int net_days = 30;
  Rate prepay_percent;  // 0..100, e.g. 30 = 30%
  friend bool operator==(const PaymentTerms&, const PaymentTerms&) = default;
};

enum class InvoiceType { kVatSpecial, kVatNormal, kNone };
std::string_view InvoiceTypeName(InvoiceType t);
std::optional<InvoiceType> ParseInvoiceType(std::string_view s);

struct Contact {
  std::string name;
  std::string phone;
  std::string email;
  friend bool operator==(const Contact&, const Contact&) = default;
};

struct Customer {
  int64_t id = 0;
  std::string code;
  std::string name;
  std::string uscc;
  std::string address;
  std::vector<Contact> contacts;
  std::string bank_name;
  std::string bank_account;
  std::optional<Money> credit_limit;  // nullopt: no limit
  PaymentTerms payment_terms;
  InvoiceType default_invoice_type = InvoiceType::kVatSpecial;
  bool blocked = false;
  std::optional<int64_t> partner_id;
  std::string region;
  Millis created_at = 0;
  Millis updated_at = 0;
  int64_t version = 1;
};

struct Product {
  int64_t id = 0;
  std::string sku;
  std::string name;
  std::string spec;
  std::string unit;
  Money list_price;
  Money min_price;
  Rate tax_rate;
  bool make_to_order = false;
  int lead_time_days = 0;
  Qty safety_stock;
  bool active = true;
  Millis created_at = 0;
  Millis updated_at = 0;
  int64_t version = 1;
};

struct Warehouse {
  int64_t id = 0;
  std::string code;
  std::string name;
  std::string region;
  std::string address;
  bool active = true;
  Millis created_at = 0;
  int64_t version = 1;
};

struct StockRow {
  int64_t product_id = 0;
  int64_t warehouse_id = 0;
  Qty on_hand;
  Qty reserved;
  Qty available() const { return on_hand - reserved; }
  Qty safety_stock;  // the product's
  int64_t version = 1;
};

struct StockMovement {
  int64_t id = 0;
  int64_t product_id = 0;
  int64_t warehouse_id = 0;
  std::string kind;  // adjustment | reserve | release | ship ...
  Qty qty_delta;     // change of on_hand (adjustment) or of reserved (reserve/release)
  std::string reason;
  std::optional<int64_t> order_id;
  int64_t user_id = 0;
  Millis created_at = 0;
};

}  // namespace ordo::domain
