#include "domain/review_rules.h"

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <optional>
#include <string>
#include <utility>

#include "domain/credit.h"
#include "domain/pricing.h"

namespace ordo::domain {

namespace {

std::string LinePrefix(const OrderLine& line) {
  return "line " + std::to_string(line.line_no) + ": ";
}

std::string QtyText(Qty qty, const OrderLine& line) {
  return line.unit.empty() ? qty.ToTrimmed() : qty.ToTrimmed() + " " + line.unit;
}

bool IsBlank(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isspace(c) != 0; });
}

Flag MakeFlag(std::string_view code, Department department, std::string message,
              std::optional<int> line_no = std::nullopt) {
  return Flag{std::string(code), department, std::move(message), line_no};
}

void AddPriceFlags(const Order& order, const SubmitContext& ctx, std::vector<Flag>& flags) {
  for (size_t i = 0; i < order.lines.size() && i < ctx.min_prices.size(); ++i) {
    const OrderLine& line = order.lines[i];
    const Money effective = EffectiveUnitPrice(line.unit_price, line.discount_rate);
    if (effective >= ctx.min_prices[i]) continue;
    flags.push_back(MakeFlag(kFlagBelowMinPrice, Department::kSales,
                             LinePrefix(line) + "unit price " + effective.ToString() +
                                 " after discount is below the minimum price " +
                                 ctx.min_prices[i].ToString(),
                             line.line_no));
  }
}

void AddCreditFlag(const Order& order, const SubmitContext& ctx, std::vector<Flag>& flags) {
  if (!ExceedsCreditLimit(ctx.credit_exposure, order.totals.gross, ctx.credit_limit)) return;
  flags.push_back(MakeFlag(kFlagCreditLimit, Department::kFinance,
                           "credit exposure " + ctx.credit_exposure.ToString() +
                               " plus this order " + order.totals.gross.ToString() + " is " +
                               (ctx.credit_exposure + order.totals.gross).ToString() +
                               ", over the credit limit " + ctx.credit_limit->ToString()));
}

void AddStockFlags(const Order& order, std::vector<Flag>& flags) {
  for (const OrderLine& line : order.lines) {
    if (line.backordered_qty <= Qty()) continue;
    const std::string what =
        line.make_to_order ? QtyText(line.backordered_qty, line) + " to be made to order"
                           : line.backordered_qty.ToTrimmed() + " of " + QtyText(line.qty, line) +
                                 " back-ordered, " + QtyText(line.reserved_qty, line) + " reserved";
    flags.push_back(MakeFlag(kFlagInsufficientStock, Department::kWarehouse,
                             LinePrefix(line) + what, line.line_no));
  }
}

// One flag for the order, naming the line that is ready last.
void AddDeliveryFlag(const Order& order, const SubmitContext& ctx, std::vector<Flag>& flags) {
  if (!order.requested_delivery_date) return;
  // A date that has passed since the order was written cannot be met at all.
  if (*order.requested_delivery_date < ctx.today) {
    flags.push_back(MakeFlag(kFlagLateDelivery, Department::kSales,
                             "requested delivery date " +
                                 FormatDate(*order.requested_delivery_date) +
                                 " has already passed (today is " + FormatDate(ctx.today) + ")"));
    return;
  }
  const OrderLine* latest_line = nullptr;
  Date latest;
  int latest_lead = 0;
  for (size_t i = 0; i < order.lines.size() && i < ctx.lead_time_days.size(); ++i) {
    const OrderLine& line = order.lines[i];
    // A line served from reserved stock can ship at once; only lines waiting for goods
    // depend on the lead time.
    if (!line.make_to_order && line.backordered_qty <= Qty()) continue;
    const Date ready{ctx.today.days + ctx.lead_time_days[i]};
    if (latest_line == nullptr || ready > latest) {
      latest_line = &line;
      latest = ready;
      latest_lead = ctx.lead_time_days[i];
    }
  }
  if (latest_line == nullptr || !(*order.requested_delivery_date < latest)) return;
  flags.push_back(MakeFlag(kFlagLateDelivery, Department::kSales,
                           "requested delivery date " + FormatDate(*order.requested_delivery_date) +
                               " is earlier than " + FormatDate(latest) + ", when line " +
                               std::to_string(latest_line->line_no) + " can be ready (lead time " +
                               std::to_string(latest_lead) + " days)"));
}

// The refusal when `department` approves without dealing with `flag`.
Status Unresolved(const Flag& flag, std::string_view needed) {
  Status s = Status::Rule(flag.code,
                          "approving the " + std::string(DepartmentName(flag.department)) +
                              " review needs " + std::string(needed) + " (" + flag.message + ")");
  s.AddDetail("department", std::string(DepartmentName(flag.department)));
  s.AddDetail("required", std::string(needed));
  if (flag.line_no) s.AddDetail("line_no", std::to_string(*flag.line_no));
  return s;
}

}  // namespace

std::vector<Flag> ComputeFlags(const Order& order, const SubmitContext& ctx) {
  std::vector<Flag> flags;
  AddPriceFlags(order, ctx, flags);
  AddCreditFlag(order, ctx, flags);
  AddStockFlags(order, flags);
  AddDeliveryFlag(order, ctx, flags);
  return flags;
}

// Each department answers only for its own flags. Overriding a flag (price, credit) is a
// decision someone must explain, so it needs a comment (PRODUCT.md: "explicitly
// overridden by the department that owns it, with a comment"); a restock date is itself
// the explanation for a shortfall. late_delivery_risk is informational: the sales
// reviewer sees it but approves without an override, since the promised date is agreed
// with the customer later (promised_date).
Status CheckReview(const std::vector<Flag>& flags, const ReviewRequest& req) {
  if (!req.approve) {
    if (IsBlank(req.comment)) return Status::Invalid("comment", "required when rejecting");
    return Status::Ok();
  }
  bool overridden = false;
  for (const Flag& flag : flags) {
    if (flag.department != req.department) continue;
    if (flag.code == kFlagBelowMinPrice) {
      if (!req.override_price) return Unresolved(flag, "override_price");
      overridden = true;
    } else if (flag.code == kFlagCreditLimit) {
      if (!req.override_credit) return Unresolved(flag, "override_credit");
      overridden = true;
    } else if (flag.code == kFlagInsufficientStock) {
      if (!req.restock_date) return Unresolved(flag, "restock_date");
    }
  }
  if (overridden && IsBlank(req.comment)) {
    return Status::Invalid("comment", "required with an override");
  }
  return Status::Ok();
}

std::vector<Department> ApprovedIn(const std::vector<Review>& reviews, int round) {
  std::vector<Department> out;
  for (const Department d : kAllDepartments) {
    const bool approved = std::any_of(reviews.begin(), reviews.end(), [&](const Review& r) {
      return r.round == round && r.department == d && r.approved;
    });
    if (approved) out.push_back(d);
  }
  return out;
}

bool HasDecided(const std::vector<Review>& reviews, int round, Department d) {
  return std::any_of(reviews.begin(), reviews.end(),
                     [&](const Review& r) { return r.round == round && r.department == d; });
}

}  // namespace ordo::domain
