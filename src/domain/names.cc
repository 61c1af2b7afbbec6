// Wire names of the domain enums (API.md spells them). One table per enum so that the
// name and the parser can never disagree.

#include <cstddef>
#include <iterator>
#include <optional>
#include <string_view>

#include "domain/entities.h"
#include "domain/order.h"

namespace ordo::domain {

namespace {

template <typename E>
struct NameEntry {
  E value;
  std::string_view name;
};

template <typename E, size_t N>
std::string_view NameOf(const NameEntry<E> (&table)[N], E value) {
  for (const auto& e : table) {
    if (e.value == value) return e.name;
  }
  return "unknown";
}

template <typename E, size_t N>
std::optional<E> Parse(const NameEntry<E> (&table)[N], std::string_view name) {
  for (const auto& e : table) {
    if (e.name == name) return e.value;
  }
  return std::nullopt;
}

constexpr NameEntry<PaymentMethod> kPaymentMethods[] = {
    {PaymentMethod::kPrepayment, "prepayment"},
    {PaymentMethod::kCashOnDelivery, "cash_on_delivery"},
    {PaymentMethod::kNet, "net"},
    {PaymentMethod::kInstallment, "installment"},
};

constexpr NameEntry<InvoiceType> kInvoiceTypes[] = {
    {InvoiceType::kVatSpecial, "vat_special"},
    {InvoiceType::kVatNormal, "vat_normal"},
    {InvoiceType::kNone, "none"},
};

constexpr NameEntry<OrderStatus> kOrderStatuses[] = {
    {OrderStatus::kDraft, "draft"},         {OrderStatus::kPendingReview, "pending_review"},
    {OrderStatus::kRejected, "rejected"},   {OrderStatus::kApproved, "approved"},
    {OrderStatus::kConfirmed, "confirmed"}, {OrderStatus::kInProgress, "in_progress"},
    {OrderStatus::kCompleted, "completed"}, {OrderStatus::kClosed, "closed"},
    {OrderStatus::kCancelled, "cancelled"}, {OrderStatus::kOnHold, "on_hold"},
};
static_assert(std::size(kOrderStatuses) == kOrderStatusCount);

constexpr NameEntry<Channel> kChannels[] = {
    {Channel::kPhone, "phone"}, {Channel::kEmail, "email"},         {Channel::kVisit, "visit"},
    {Channel::kWeb, "web"},     {Channel::kEcommerce, "ecommerce"}, {Channel::kPartner, "partner"},
};

constexpr NameEntry<PriceMode> kPriceModes[] = {
    {PriceMode::kTaxExclusive, "tax_exclusive"},
    {PriceMode::kTaxInclusive, "tax_inclusive"},
};

constexpr NameEntry<Department> kDepartments[] = {
    {Department::kSales, "sales"},
    {Department::kFinance, "finance"},
    {Department::kWarehouse, "warehouse"},
};

}  // namespace

std::string_view PaymentMethodName(PaymentMethod m) { return NameOf(kPaymentMethods, m); }
std::optional<PaymentMethod> ParsePaymentMethod(std::string_view s) {
  return Parse(kPaymentMethods, s);
}

std::string_view InvoiceTypeName(InvoiceType t) { return NameOf(kInvoiceTypes, t); }
std::optional<InvoiceType> ParseInvoiceType(std::string_view s) { return Parse(kInvoiceTypes, s); }

std::string_view OrderStatusName(OrderStatus s) { return NameOf(kOrderStatuses, s); }
std::optional<OrderStatus> ParseOrderStatus(std::string_view s) { return Parse(kOrderStatuses, s); }

std::string_view ChannelName(Channel c) { return NameOf(kChannels, c); }
std::optional<Channel> ParseChannel(std::string_view s) { return Parse(kChannels, s); }

std::string_view PriceModeName(PriceMode m) { return NameOf(kPriceModes, m); }
std::optional<PriceMode> ParsePriceMode(std::string_view s) { return Parse(kPriceModes, s); }

std::string_view DepartmentName(Department d) { return NameOf(kDepartments, d); }
std::optional<Department> ParseDepartment(std::string_view s) { return Parse(kDepartments, s); }

}  // namespace ordo::domain
