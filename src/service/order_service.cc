#include "service/order_service.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>

#include "domain/credit.h"
#include "domain/order_number.h"
#include "domain/order_state.h"
#include "domain/pricing.h"
#include "domain/reservation.h"
#include "service/access.h"
#include "service/audit.h"
#include "service/master_service.h"
#include "service/settings_service.h"

namespace ordo::service {

using domain::Actor;
using domain::Department;
using domain::Order;
using domain::OrderAction;
using domain::OrderStatus;
using domain::Role;
using nlohmann::json;
using storage::Tx;

namespace {

constexpr size_t kMaxLines = 2000;
const Qty kMaxQty = Qty::FromInt(1000000000);
const Money kMaxPrice = Money::FromInt(1000000000000);

Status CanEditOrders(const Actor& a) {
  return Require(a, {Role::kAdmin, Role::kSalesRep, Role::kSalesManager, Role::kPartner});
}

// Loads an order the actor may see (a partner's other orders are not found).
Result<Order> LoadVisible(Tx& tx, const Actor& actor, int64_t id) {
  auto order = tx.GetOrder(id);
  if (!order.ok()) return order.TakeStatus();
  RETURN_IF_ERROR(CheckPartnerScope(actor, order->partner_id, "order"));
  return order;
}

std::string LinePath(size_t i, const char* field) {
  return "lines[" + std::to_string(i) + "]." + field;
}

}  // namespace

void CheckOrderInput(const OrderInput& in, FieldErrors& errors) {
  if (in.lines) {
    if (in.lines->empty()) errors.Add("lines", "at least one line");
    if (in.lines->size() > kMaxLines) errors.Add("lines", "at most 2000 lines");
    for (size_t i = 0; i < in.lines->size() && i < kMaxLines; ++i) {
      const LineInput& li = (*in.lines)[i];
      if (li.qty <= Qty()) errors.Add(LinePath(i, "qty"), "must be greater than 0");
      if (li.qty > kMaxQty) errors.Add(LinePath(i, "qty"), "too large");
      if (li.discount_rate.is_negative() || li.discount_rate >= Rate::FromInt(1)) {
        errors.Add(LinePath(i, "discount_rate"), "must be at least 0 and below 1");
      }
      if (li.unit_price && (li.unit_price->is_negative() || *li.unit_price > kMaxPrice)) {
        errors.Add(LinePath(i, "unit_price"), "must be between 0 and 1000000000000");
      }
    }
  }
  if (in.freight && (in.freight->is_negative() || *in.freight > kMaxPrice)) {
    errors.Add("freight", "must be between 0 and 1000000000000");
  }
  if (in.discount_amount &&
      (in.discount_amount->is_negative() || *in.discount_amount > kMaxPrice)) {
    errors.Add("discount_amount", "must be between 0 and 1000000000000");
  }
  if (in.payment_terms) ValidatePaymentTerms(*in.payment_terms, "payment_terms.", errors);
}

namespace {

// The customer and products a transaction has read already, so that create-and-submit
// reads each once.
struct Loaded {
  std::optional<domain::Customer> customer;
  std::map<int64_t, domain::Product> products;
};

// Applies the input to the order: customer, lines (from the products), prices, defaults.
// What it reads is left in `loaded`.
Status ApplyInput(Tx& tx, const Actor& actor, Order& order, const OrderInput& in, bool creating,
                  Date today, Loaded& loaded) {
  FieldErrors errors;
  CheckOrderInput(in, errors);
  // Today is allowed; an earlier date cannot be met. (A date that passes after it was
  // written is flagged late_delivery_risk at submit instead.)
  if (in.requested_delivery_date && *in.requested_delivery_date &&
      **in.requested_delivery_date < today) {
    errors.Add("requested_delivery_date", "must not be before today");
  }
  if (in.customer_id && (creating || *in.customer_id != order.customer_id)) {
    auto customer = tx.customers().Get(*in.customer_id);
    if (!customer.ok() || !CheckPartnerScope(actor, customer->partner_id, "customer").ok()) {
      errors.Add("customer_id", "no such customer");
    } else {
      loaded.customer = *customer;
      order.customer_id = customer->id;
      order.customer_code = customer->code;
      order.customer_name = customer->name;
      order.partner_id = customer->partner_id;
      if (creating) {
        order.payment_terms = customer->payment_terms;
        order.invoice_type = customer->default_invoice_type;
        order.ship_to.address = customer->address;
        if (!customer->contacts.empty()) {
          order.ship_to.name = customer->contacts[0].name;
          order.ship_to.phone = customer->contacts[0].phone;
        }
      }
    }
  } else if (creating) {
    errors.Add("customer_id", "required");
  }
  if (in.channel) order.channel = *in.channel;
  if (in.price_mode) order.price_mode = *in.price_mode;
  if (in.freight) order.totals.freight = *in.freight;
  if (in.discount_amount) order.totals.discount = *in.discount_amount;
  if (in.requested_delivery_date) order.requested_delivery_date = *in.requested_delivery_date;
  if (in.ship_to) order.ship_to = *in.ship_to;
  if (in.payment_terms) order.payment_terms = *in.payment_terms;
  if (in.invoice_type) order.invoice_type = *in.invoice_type;
  if (in.special_requirements) order.special_requirements = *in.special_requirements;
  if (in.notes) order.notes = *in.notes;
  if (in.external_ref) order.external_ref = *in.external_ref;
  // Orders of a partner's customers, or taken through the partner channel, wait for the
  // partner's confirmation; direct orders are confirmed at approval.
  order.needs_confirmation =
      order.partner_id.has_value() || order.channel == domain::Channel::kPartner;

  if (in.lines) {
    std::vector<domain::OrderLine> lines;
    std::map<int64_t, domain::Product>& products = loaded.products;
    for (size_t i = 0; i < in.lines->size() && i < kMaxLines; ++i) {
      const LineInput& li = (*in.lines)[i];
      domain::OrderLine line;
      line.line_no = static_cast<int>(i) + 1;
      auto it = products.find(li.product_id);
      if (it == products.end()) {
        auto p = tx.products().Get(li.product_id);
        if (p.ok()) it = products.emplace(li.product_id, std::move(p).value()).first;
      }
      if (it == products.end()) {
        errors.Add(LinePath(i, "product_id"), "no such product");
        continue;
      }
      const domain::Product& p = it->second;
      if (!p.active) errors.Add(LinePath(i, "product_id"), "product is inactive");
      if (li.warehouse_id && !tx.warehouses().Get(*li.warehouse_id).ok()) {
        errors.Add(LinePath(i, "warehouse_id"), "no such warehouse");
      }
      line.product_id = p.id;
      line.sku = p.sku;
      line.name = p.name;
      line.spec = p.spec;
      line.unit = p.unit;
      line.qty = li.qty;
      line.unit_price = li.unit_price.value_or(p.list_price);
      line.discount_rate = li.discount_rate;
      line.tax_rate = p.tax_rate;
      line.make_to_order = p.make_to_order;
      line.warehouse_id = li.warehouse_id;
      lines.push_back(std::move(line));
    }
    order.lines = std::move(lines);
  } else if (creating) {
    errors.Add("lines", "required");
  }
  if (!errors.empty()) return errors.Finish();
  // An amount past the ceiling names the line that takes the order there, or the freight.
  if (const auto too_large = domain::PriceOrder(order)) {
    return Status::Invalid(too_large->line ? LinePath(*too_large->line, "qty") : "freight",
                           "amount too large");
  }
  if (order.totals.gross.is_negative()) {
    return Status::Invalid("discount_amount", "larger than the order amount");
  }
  return Status::Ok();
}

domain::StockMovement Movement(const Order& o, int64_t product_id, int64_t warehouse_id,
                               const char* kind, Qty qty, const Actor& actor, Millis now) {
  domain::StockMovement m;
  m.product_id = product_id;
  m.warehouse_id = warehouse_id;
  m.kind = kind;
  m.qty_delta = qty;
  m.reason = o.number;
  m.order_id = o.id;
  m.user_id = actor.user_id;
  m.created_at = now;
  return m;
}

// Releases every reservation of the order; the lines keep no reserved or back-ordered
// quantity afterwards.
Status ReleaseAll(Tx& tx, Order& o, const Actor& actor, Millis now) {
  // Rows in (product, warehouse) order, as DoSubmit locks them, so that a cancel and a
  // submit on PostgreSQL never wait for each other in a cycle.
  std::vector<domain::OrderLine*> lines;
  for (auto& line : o.lines) lines.push_back(&line);
  std::sort(lines.begin(), lines.end(), [](const auto* a, const auto* b) {
    return std::pair(a->product_id, a->warehouse_id.value_or(0)) <
           std::pair(b->product_id, b->warehouse_id.value_or(0));
  });
  for (auto* line_ptr : lines) {
    auto& line = *line_ptr;
    if (line.reserved_qty > Qty() && line.warehouse_id) {
      RETURN_IF_ERROR(tx.Release(line.product_id, *line.warehouse_id, line.reserved_qty));
      RETURN_IF_ERROR(tx.InsertMovement(Movement(o, line.product_id, *line.warehouse_id, "release",
                                                 -line.reserved_qty, actor, now)));
    }
    line.reserved_qty = Qty();
    line.backordered_qty = Qty();
  }
  return Status::Ok();
}

// Reserves stock for every line (rows locked in product, warehouse order), sets the flags
// and moves the order to pending_review. Movements are returned, not written: a new order
// has no id yet.
// `loaded` holds what this transaction has read already (nothing on a plain submit).
Status DoSubmit(Tx& tx, const Deps& deps, const Actor& actor, Order& o,
                std::vector<domain::StockMovement>& movements, json& data, Loaded& loaded) {
  const auto next = domain::Transition(o.status, OrderAction::kSubmit);
  if (!next) {
    return Status::InvalidTransition(std::string(domain::OrderStatusName(o.status)), "submit");
  }
  if (!loaded.customer || loaded.customer->id != o.customer_id) {
    ASSIGN_OR_RETURN(loaded.customer, tx.customers().Get(o.customer_id));
  }
  const domain::Customer& customer = *loaded.customer;
  if (customer.blocked) return Status::Invalid("customer_id", "customer is blocked");

  domain::SubmitContext ctx;
  ctx.today = deps.Today();
  ctx.credit_limit = customer.credit_limit;
  std::map<int64_t, domain::Product>& products = loaded.products;
  for (const auto& line : o.lines) {
    if (!products.count(line.product_id)) {
      ASSIGN_OR_RETURN(auto p, tx.products().Get(line.product_id));
      products.emplace(line.product_id, std::move(p));
    }
    const auto& p = products.at(line.product_id);
    ctx.min_prices.push_back(p.min_price);
    ctx.lead_time_days.push_back(p.lead_time_days);
  }

  // Before any stock row is locked (PostgreSQL holds those locks until commit): the
  // customer's exposure does not depend on this order's reservations.
  ASSIGN_OR_RETURN(ctx.credit_exposure, tx.CreditExposure(o.customer_id, o.id));
  if (!domain::ExposureFits(ctx.credit_exposure, o.totals.gross)) {
    return Status::Invalid("customer_id", "credit exposure too large");
  }

  // Choose warehouses first, then reserve in a fixed row order so that concurrent
  // submits (PostgreSQL) never deadlock.
  for (auto& line : o.lines) {
    line.reserved_qty = Qty();
    line.backordered_qty = Qty();
    if (line.make_to_order || line.warehouse_id) continue;
    ASSIGN_OR_RETURN(auto rows, tx.StockOfProduct(line.product_id));
    line.warehouse_id = domain::ChooseWarehouse(rows);
  }
  std::vector<size_t> idx(o.lines.size());
  for (size_t i = 0; i < idx.size(); ++i) idx[i] = i;
  std::sort(idx.begin(), idx.end(), [&](size_t a, size_t b) {
    const auto& la = o.lines[a];
    const auto& lb = o.lines[b];
    return std::pair(la.product_id, la.warehouse_id.value_or(0)) <
           std::pair(lb.product_id, lb.warehouse_id.value_or(0));
  });
  json reserved = json::array();
  const Millis now = deps.Now();
  for (size_t i : idx) {
    auto& line = o.lines[i];
    Qty got;
    if (!line.make_to_order && line.warehouse_id) {
      ASSIGN_OR_RETURN(got, tx.Reserve(line.product_id, *line.warehouse_id, line.qty));
    }
    line.reserved_qty = got;
    line.backordered_qty = line.qty - got;
    if (got > Qty()) {
      movements.push_back(
          Movement(o, line.product_id, *line.warehouse_id, "reserve", got, actor, now));
      reserved.push_back({{"line_no", line.line_no},
                          {"warehouse_id", *line.warehouse_id},
                          {"qty", got.ToTrimmed()}});
    }
  }
  o.flags = domain::ComputeFlags(o, ctx);
  o.status = *next;
  o.review_round += 1;
  json flags = json::array();
  for (const auto& f : o.flags) flags.push_back(f.code);
  data = {{"round", o.review_round}, {"flags", flags}, {"reserved", reserved}};
  return Status::Ok();
}

// Segregation of duties: nobody reviews an order they created or last edited (admin
// included) unless the setting allow_self_review lifts the rule.
Status CheckNotOwnOrder(Tx& tx, const Order& o, const Actor& actor,
                        const domain::Settings& settings) {
  if (settings.allow_self_review) return Status::Ok();
  int64_t last_editor = o.created_by;
  ASSIGN_OR_RETURN(auto events, tx.events().List("order", o.id));
  for (const auto& e : events) {
    if (e.action == "edit") last_editor = e.user_id;
  }
  if (actor.user_id != o.created_by && actor.user_id != last_editor) return Status::Ok();
  return Status::Rule("self_review", "you cannot review your own order")
      .AddDetail("created_by", std::to_string(o.created_by))
      .AddDetail("last_edited_by", std::to_string(last_editor));
}

Status RequireDepartment(const Actor& actor, Department d) {
  switch (d) {
    case Department::kSales:
      return Require(actor, {Role::kAdmin, Role::kSalesManager});
    case Department::kFinance:
      return Require(actor, {Role::kAdmin, Role::kFinance});
    case Department::kWarehouse:
      return Require(actor, {Role::kAdmin, Role::kWarehouse});
  }
  return Status::Forbidden();
}

}  // namespace

Result<CreateResult> OrderService::Create(const Actor& actor, const OrderInput& input,
                                          const IdempotencyKey& idem) {
  RETURN_IF_ERROR(CanEditOrders(actor));
  CreateResult out;
  RETURN_IF_ERROR(deps_.store->Write([&](Tx& tx) -> Status {
    out = CreateResult{};  // the store may rerun this function (PostgreSQL retries)
    if (!idem.key.empty()) {
      ASSIGN_OR_RETURN(auto prior, tx.idempotency().Get(actor.user_id, idem.key));
      if (prior) {
        if (prior->request_hash != idem.request_hash) {
          return Status::Conflict("Idempotency-Key was used with another request");
        }
        out.first_answer = prior->body;
        out.replayed = true;
        return Status::Ok();
      }
    }
    Order& o = out.order;
    o.channel = actor.IsPartnerOnly() ? domain::Channel::kPartner : domain::Channel::kPhone;
    Loaded loaded;
    RETURN_IF_ERROR(ApplyInput(tx, actor, o, input, true, deps_.Today(), loaded));
    const Millis now = deps_.Now();
    const Date today = deps_.tz.DateOf(now);
    o.created_by = actor.user_id;
    o.created_at = o.updated_at = now;
    o.version = 1;
    std::vector<domain::StockMovement> movements;
    json submit_data;
    if (input.submit) {
      RETURN_IF_ERROR(DoSubmit(tx, deps_, actor, o, movements, submit_data, loaded));
    }
    // The serial comes last: on SQLite it is the day's counter row, written in this
    // transaction (gap-free). PostgreSQL hands it out from the server's block without
    // locking anything here (storage/postgres/order_serials.h).
    ASSIGN_OR_RETURN(int64_t serial, tx.NextOrderSerial(today));
    o.number = domain::FormatOrderNumber(today, serial);
    ASSIGN_OR_RETURN(o.id, tx.InsertOrder(o));
    for (auto& m : movements) {
      m.order_id = o.id;
      m.reason = o.number;
      RETURN_IF_ERROR(tx.InsertMovement(m));
    }
    RETURN_IF_ERROR(Audit(tx, deps_, actor, "order", o.id, "create",
                          {{"number", o.number},
                           {"customer_id", o.customer_id},
                           {"lines", o.lines.size()},
                           {"gross", o.totals.gross.ToString()}}));
    if (input.submit)
      RETURN_IF_ERROR(Audit(tx, deps_, actor, "order", o.id, "submit", submit_data));
    if (!idem.key.empty()) {
      RETURN_IF_ERROR(tx.idempotency().Put(
          actor.user_id, idem.key,
          {idem.request_hash, 201, idem.render ? idem.render(o) : std::to_string(o.id)}, now));
    }
    return Status::Ok();
  }));
  return out;
}

Result<Order> OrderService::Get(const Actor& actor, int64_t id) {
  Order out;
  RETURN_IF_ERROR(deps_.store->Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(out, LoadVisible(tx, actor, id));
    return Status::Ok();
  }));
  return out;
}

Result<storage::Page<Order>> OrderService::List(const Actor& actor, storage::OrderFilter f) {
  if (actor.IsPartnerOnly()) f.partner_id = actor.partner_id.value_or(-1);
  storage::Page<Order> out;
  RETURN_IF_ERROR(deps_.store->Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(out, tx.ListOrders(f));
    return Status::Ok();
  }));
  return out;
}

namespace {

// Loads a visible order, checks its version, runs `change`, stores the order with a new
// version and writes one audit event — all in one transaction. A change that leaves
// `data` null changed nothing, and nothing is written.
Result<Order> Mutate(const Deps& deps, const Actor& actor, int64_t id,
                     std::optional<int64_t> if_match, std::string_view action,
                     const std::function<Status(Tx&, Order&, json&)>& change) {
  Order out;
  RETURN_IF_ERROR(deps.store->Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(out, LoadVisible(tx, actor, id));
    RETURN_IF_ERROR(CheckVersion(if_match, out.version));
    const int64_t version = out.version;
    json data = json::object();
    RETURN_IF_ERROR(change(tx, out, data));
    if (data.is_null()) return Status::Ok();  // nothing changed: nothing is written
    out.version = version + 1;
    out.updated_at = deps.Now();
    RETURN_IF_ERROR(tx.UpdateOrder(out, version));
    return Audit(tx, deps, actor, "order", id, action, data);
  }));
  return out;
}

Status NotAllowed(const Order& o, std::string_view action) {
  return Status::InvalidTransition(std::string(domain::OrderStatusName(o.status)),
                                   std::string(action));
}

}  // namespace

Result<Order> OrderService::Edit(const Actor& actor, int64_t id, const OrderInput& input,
                                 std::optional<int64_t> if_match, const View<Order>& view) {
  RETURN_IF_ERROR(CanEditOrders(actor));
  return Mutate(deps_, actor, id, if_match, "edit", [&](Tx& tx, Order& o, json& data) {
    if (!domain::IsAllowed(o.status, OrderAction::kEdit)) return NotAllowed(o, "edit");
    const json before = view(o);
    Loaded loaded;
    RETURN_IF_ERROR(ApplyInput(tx, actor, o, input, false, deps_.Today(), loaded));
    data = Diff(before, view(o));
    if (data.empty()) data = json();
    return Status::Ok();
  });
}

Result<Order> OrderService::Submit(const Actor& actor, int64_t id,
                                   std::optional<int64_t> if_match) {
  RETURN_IF_ERROR(CanEditOrders(actor));
  return Mutate(deps_, actor, id, if_match, "submit", [&](Tx& tx, Order& o, json& data) {
    std::vector<domain::StockMovement> movements;
    Loaded loaded;
    RETURN_IF_ERROR(DoSubmit(tx, deps_, actor, o, movements, data, loaded));
    for (const auto& m : movements) RETURN_IF_ERROR(tx.InsertMovement(m));
    return Status::Ok();
  });
}

Result<Order> OrderService::Review(const Actor& actor, int64_t id, const domain::ReviewRequest& req,
                                   std::optional<int64_t> if_match) {
  RETURN_IF_ERROR(RequireDepartment(actor, req.department));
  return Mutate(deps_, actor, id, if_match, "review", [&](Tx& tx, Order& o, json& data) {
    const OrderAction action = req.approve ? OrderAction::kApprove : OrderAction::kReject;
    if (!domain::IsAllowed(o.status, action)) return NotAllowed(o, "review");
    if (domain::HasDecided(o.reviews, o.review_round, req.department)) {
      return Status::Conflict(std::string(domain::DepartmentName(req.department)) +
                              " has already reviewed this round");
    }
    ASSIGN_OR_RETURN(const domain::Settings settings, LoadSettings(tx));
    RETURN_IF_ERROR(CheckNotOwnOrder(tx, o, actor, settings));
    RETURN_IF_ERROR(domain::CheckReview(o.flags, req));
    domain::Review r;
    r.round = o.review_round;
    r.department = req.department;
    r.approved = req.approve;
    r.comment = req.comment;
    r.override_price = req.override_price;
    r.override_credit = req.override_credit;
    r.restock_date = req.restock_date;
    r.reviewer_id = actor.user_id;
    r.reviewer = actor.username;
    r.created_at = deps_.Now();
    o.reviews.push_back(r);
    data = {{"round", r.round},
            {"department", domain::DepartmentName(r.department)},
            {"decision", r.approved ? "approve" : "reject"},
            {"comment", r.comment}};
    if (r.override_price) data["override_price"] = true;
    if (r.override_credit) data["override_credit"] = true;
    if (r.restock_date) data["restock_date"] = FormatDate(*r.restock_date);
    if (!req.approve) {
      o.status = OrderStatus::kRejected;
      return ReleaseAll(tx, o, actor, r.created_at);
    }
    if (domain::ApprovedIn(o.reviews, o.review_round).size() == 3) {
      // The customer confirms when it belongs to a partner or the order came through a
      // channel the settings name (as they are now).
      o.needs_confirmation =
          o.partner_id.has_value() ||
          std::find(settings.confirmation_channels.begin(), settings.confirmation_channels.end(),
                    o.channel) != settings.confirmation_channels.end();
      o.status = domain::FinalApprovalTarget(o.needs_confirmation);
      // The promised date: the later of the requested date and the warehouse's restock date.
      std::optional<Date> promised = o.requested_delivery_date;
      for (const auto& rv : o.reviews) {
        if (rv.round == o.review_round && rv.restock_date &&
            (!promised || *rv.restock_date > *promised)) {
          promised = rv.restock_date;
        }
      }
      o.promised_date = promised;
      data["status"] = domain::OrderStatusName(o.status);
      if (o.status == OrderStatus::kConfirmed) {
        o.confirmed_at = r.created_at;
        o.confirmed_by = actor.user_id;
      }
    }
    return Status::Ok();
  });
}

Result<Order> OrderService::Confirm(const Actor& actor, int64_t id,
                                    std::optional<int64_t> if_match) {
  RETURN_IF_ERROR(
      Require(actor, {Role::kAdmin, Role::kSalesRep, Role::kSalesManager, Role::kPartner}));
  return Mutate(deps_, actor, id, if_match, "confirm", [&](Tx&, Order& o, json& data) {
    const auto next = domain::Transition(o.status, OrderAction::kConfirm);
    if (!next) return NotAllowed(o, "confirm");
    o.status = *next;
    o.confirmed_by = actor.user_id;
    o.confirmed_at = deps_.Now();
    data = {{"confirmed_by", actor.username}};
    return Status::Ok();
  });
}

Result<Order> OrderService::Cancel(const Actor& actor, int64_t id, const std::string& reason,
                                   std::optional<int64_t> if_match) {
  RETURN_IF_ERROR(CanEditOrders(actor));
  if (reason.empty()) return Status::Invalid("reason", "required");
  if (reason.size() > 1000) return Status::Invalid("reason", "at most 1000 bytes");
  return Mutate(deps_, actor, id, if_match, "cancel", [&](Tx& tx, Order& o, json& data) {
    const auto next = domain::Transition(o.status, OrderAction::kCancel);
    if (!next) return NotAllowed(o, "cancel");
    // A held order can be cancelled only if it could be from the status it was held in.
    if (o.status == OrderStatus::kOnHold && o.status_before_hold &&
        !domain::IsAllowed(*o.status_before_hold, OrderAction::kCancel)) {
      return NotAllowed(o, "cancel");
    }
    for (const auto& line : o.lines) {
      if (line.shipped_qty > Qty()) {
        return Status::Rule("already_shipped",
                            "goods of this order have shipped; cancel "
                            "needs a change request with compensation");
      }
    }
    data = {{"reason", reason}, {"from", domain::OrderStatusName(o.status)}};
    o.status = *next;
    o.cancel_reason = reason;
    o.status_before_hold.reset();
    return ReleaseAll(tx, o, actor, deps_.Now());
  });
}

Result<Order> OrderService::Hold(const Actor& actor, int64_t id, const std::string& reason,
                                 std::optional<int64_t> if_match) {
  RETURN_IF_ERROR(Require(actor, {Role::kAdmin, Role::kSalesManager, Role::kFinance}));
  if (reason.empty()) return Status::Invalid("reason", "required");
  if (reason.size() > 1000) return Status::Invalid("reason", "at most 1000 bytes");
  return Mutate(deps_, actor, id, if_match, "hold", [&](Tx&, Order& o, json& data) {
    const auto next = domain::Transition(o.status, OrderAction::kHold);
    if (!next) return NotAllowed(o, "hold");
    data = {{"reason", reason}, {"from", domain::OrderStatusName(o.status)}};
    o.status_before_hold = o.status;
    o.status = *next;
    o.hold_reason = reason;
    return Status::Ok();
  });
}

Result<Order> OrderService::Release(const Actor& actor, int64_t id,
                                    std::optional<int64_t> if_match) {
  RETURN_IF_ERROR(Require(actor, {Role::kAdmin, Role::kSalesManager, Role::kFinance}));
  return Mutate(deps_, actor, id, if_match, "release", [&](Tx&, Order& o, json& data) {
    const auto next = domain::Transition(o.status, OrderAction::kRelease, o.status_before_hold);
    if (!next) return NotAllowed(o, "release");
    o.status = *next;
    o.status_before_hold.reset();
    o.hold_reason.clear();
    data = {{"to", domain::OrderStatusName(o.status)}};
    return Status::Ok();
  });
}

Result<std::vector<domain::Event>> OrderService::Events(const Actor& actor, int64_t id) {
  std::vector<domain::Event> out;
  RETURN_IF_ERROR(deps_.store->Read([&](Tx& tx) -> Status {
    RETURN_IF_ERROR(LoadVisible(tx, actor, id).status());
    ASSIGN_OR_RETURN(out, tx.events().List("order", id));
    return Status::Ok();
  }));
  return out;
}

}  // namespace ordo::service
