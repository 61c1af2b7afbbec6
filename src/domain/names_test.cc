#include <gtest/gtest.h>

#include <string_view>

#include "domain/entities.h"
#include "domain/order.h"

namespace ordo::domain {
namespace {

// Every value's name as API.md spells it, and the parse back to the same value.
template <typename E, typename NameFn, typename ParseFn>
void ExpectRoundTrip(std::initializer_list<std::pair<E, std::string_view>> table, NameFn name,
                     ParseFn parse) {
  for (const auto& [value, text] : table) {
    EXPECT_EQ(name(value), text);
    EXPECT_EQ(parse(text), value) << text;
  }
}

TEST(Names, PaymentMethod) {
  ExpectRoundTrip<PaymentMethod>({{PaymentMethod::kPrepayment, "prepayment"},
                                  {PaymentMethod::kCashOnDelivery, "cash_on_delivery"},
                                  {PaymentMethod::kNet, "net"},
                                  {PaymentMethod::kInstallment, "installment"}},
                                 PaymentMethodName, ParsePaymentMethod);
}

TEST(Names, InvoiceType) {
  ExpectRoundTrip<InvoiceType>({{InvoiceType::kVatSpecial, "vat_special"},
                                {InvoiceType::kVatNormal, "vat_normal"},
                                {InvoiceType::kNone, "none"}},
                               InvoiceTypeName, ParseInvoiceType);
}

TEST(Names, OrderStatus) {
  ExpectRoundTrip<OrderStatus>({{OrderStatus::kDraft, "draft"},
                                {OrderStatus::kPendingReview, "pending_review"},
                                {OrderStatus::kRejected, "rejected"},
                                {OrderStatus::kApproved, "approved"},
                                {OrderStatus::kConfirmed, "confirmed"},
                                {OrderStatus::kInProgress, "in_progress"},
                                {OrderStatus::kCompleted, "completed"},
                                {OrderStatus::kClosed, "closed"},
                                {OrderStatus::kCancelled, "cancelled"},
                                {OrderStatus::kOnHold, "on_hold"}},
                               OrderStatusName, ParseOrderStatus);
}

TEST(Names, Channel) {
  ExpectRoundTrip<Channel>({{Channel::kPhone, "phone"},
                            {Channel::kEmail, "email"},
                            {Channel::kVisit, "visit"},
                            {Channel::kWeb, "web"},
                            {Channel::kEcommerce, "ecommerce"},
                            {Channel::kPartner, "partner"}},
                           ChannelName, ParseChannel);
}

TEST(Names, PriceMode) {
  ExpectRoundTrip<PriceMode>(
      {{PriceMode::kTaxExclusive, "tax_exclusive"}, {PriceMode::kTaxInclusive, "tax_inclusive"}},
      PriceModeName, ParsePriceMode);
}

TEST(Names, Department) {
  ExpectRoundTrip<Department>({{Department::kSales, "sales"},
                               {Department::kFinance, "finance"},
                               {Department::kWarehouse, "warehouse"}},
                              DepartmentName, ParseDepartment);
}

TEST(Names, ParsingIsExact) {
  // Case, spaces and near misses are not names.
  EXPECT_EQ(ParseOrderStatus("Draft"), std::nullopt);
  EXPECT_EQ(ParseOrderStatus("pending-review"), std::nullopt);
  EXPECT_EQ(ParseOrderStatus(" draft"), std::nullopt);
  EXPECT_EQ(ParseOrderStatus(""), std::nullopt);
  EXPECT_EQ(ParsePaymentMethod("cod"), std::nullopt);
  EXPECT_EQ(ParseInvoiceType("vat"), std::nullopt);
  EXPECT_EQ(ParseChannel("e-commerce"), std::nullopt);
  EXPECT_EQ(ParsePriceMode("inclusive"), std::nullopt);
  EXPECT_EQ(ParseDepartment("SALES"), std::nullopt);
}

}  // namespace
}  // namespace ordo::domain
