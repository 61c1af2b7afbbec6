// `ordo demo`: see demo.h. Everything goes through the use cases, as the demo users
// themselves: master data as the system actor, orders as the sales reps, the partner
// and the reviewers. Orders are planned first (customer, lines, the fate of each order
// and the time of every step), then the steps of all orders run in time order with the
// clock set to each step's moment, so that reservations, credit exposure, order
// numbers and the audit trail unfold as they would have. A seeded std::mt19937 (with
// our own range mapping, which unlike std::uniform_int_distribution is the same on
// every standard library) makes the data set a function of the seed and today's date.

#include "app/demo.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "app/demo_data.h"
#include "domain/order.h"
#include "domain/review_rules.h"
#include "domain/uscc.h"
#include "http/codecs.h"

namespace ordo::app {
namespace {

using domain::Channel;
using domain::Department;
using domain::InvoiceType;
using domain::Order;
using domain::PaymentMethod;
using domain::Role;

using namespace demo_data;  // NOLINT(google-build-using-namespace)

// ---- randomness ----

class Rng {
 public:
  explicit Rng(uint32_t seed) : gen_(seed) {}
  int64_t Between(int64_t lo, int64_t hi) {  // inclusive
    return lo + static_cast<int64_t>(gen_() % static_cast<uint64_t>(hi - lo + 1));
  }
  int Int(int lo, int hi) { return static_cast<int>(Between(lo, hi)); }
  bool Chance(int percent) { return Int(0, 99) < percent; }
  size_t Weighted(const std::vector<int>& weights) {
    int total = 0;
    for (int w : weights) total += w;
    int r = Int(0, total - 1);
    for (size_t i = 0; i < weights.size(); ++i) {
      if (r < weights[i]) return i;
      r -= weights[i];
    }
    return weights.size() - 1;
  }
  template <typename T, size_t K>
  const T& Pick(const T (&items)[K]) {
    return items[Int(0, static_cast<int>(K) - 1)];
  }

 private:
  std::mt19937 gen_;
};

Money ParseMoney(const char* text) {
  auto m = Money::Parse(text);
  return m.ok() ? *m : Money();
}

// Rounds cents to whole yuan for prices of 100 yuan and more.
int64_t NicePrice(int64_t cents) { return cents >= 10000 ? (cents + 50) / 100 * 100 : cents; }

Status Context(const Status& st, const std::string& what) {
  std::string msg = what + ": " + st.message();
  for (const auto& [field, reason] : st.fields()) msg += "; " + field + ": " + reason;
  if (!st.rule().empty()) msg += " [" + st.rule() + "]";
  return Status(st.code(), msg);
}

// ---- the plan ----

enum class Fate {
  kDraft,
  kBlockedDraft,
  kPending,
  kRejected,
  kApproved,
  kConfirmed,
  kReworked,
  kCancelled,
  kOnHold,
  kHeldReleased,
};

enum class StepKind { kCreate, kEdit, kSubmit, kReview, kConfirm, kCancel, kHold, kRelease };

const char* StepName(StepKind k) {
  static const char* const kNames[] = {"create",  "edit",   "submit", "review",
                                       "confirm", "cancel", "hold",   "release"};
  return kNames[static_cast<int>(k)];
}

struct Step {
  Millis at = 0;
  int order = 0;  // index into plans_
  int seq = 0;    // position among the order's steps
  StepKind kind = StepKind::kCreate;
  int actor = kSales1;
  Department department = Department::kSales;
  bool flag = false;  // create: submit too; review: approve
  std::string text;   // reject comment, cancel or hold reason
};

struct Plan {
  int customer = 0;
  int creator = kSales1;
  Fate fate = Fate::kConfirmed;
  service::OrderInput input;
  std::vector<service::LineInput> fixed_lines;  // a reworked order's lines after the edit
};

class Loader {
 public:
  Loader(service::Services& services, ManualClock& clock, const DemoOptions& options)
      : s_(services),
        clock_(clock),
        options_(options),
        rng_(options.seed),
        tz_(services.deps.tz),
        now_(clock.Now()),
        today_(tz_.DateOf(now_)) {}

  Status Run() {
    RETURN_IF_ERROR(CheckEmpty());
    clock_.Set(tz_.StartOf(Date{today_.days - kHistoryDays - 1}) + 9 * kHour);
    RETURN_IF_ERROR(CreateUsers());
    RETURN_IF_ERROR(CreateWarehouses());
    RETURN_IF_ERROR(CreateProducts());
    RETURN_IF_ERROR(CreateCustomers());
    RETURN_IF_ERROR(InitialStock());
    PlanOrders();
    std::sort(steps_.begin(), steps_.end(), [](const Step& a, const Step& b) {
      return std::tie(a.at, a.order, a.seq) < std::tie(b.at, b.order, b.seq);
    });
    orders_.resize(plans_.size());
    Date restocked = tz_.DateOf(clock_.Now());
    for (const Step& step : steps_) {
      const Date day = tz_.DateOf(step.at);
      if (day != restocked) {
        restocked = day;
        if (Weekday(day) < 5) RETURN_IF_ERROR(Restock(day, step.at));
      }
      clock_.Set(step.at);
      RETURN_IF_ERROR(RunStep(step));
    }
    RETURN_IF_ERROR(CreateCompany());
    clock_.Set(now_);
    return Status::Ok();
  }

 private:
  Status CheckEmpty() {
    const domain::Actor admin = domain::SystemActor();
    storage::OrderFilter f;
    f.page.page_size = 1;
    auto orders = s_.orders.List(admin, f);
    if (!orders.ok()) return Context(orders.status(), "demo: list orders");
    if (orders->total > 0) {
      return Status::Conflict("the database already holds orders; load the demo into an empty one");
    }
    auto users = s_.users.List(admin, storage::PageRequest{1, 1});
    if (!users.ok()) return Context(users.status(), "demo: list users");
    if (users->total > 1) {
      return Status::Conflict(
          "the database already holds users besides admin; load the demo "
          "into an empty one");
    }
    return Status::Ok();
  }

  Status CreateUsers() {
    for (const UserSpec& u : kUsers) {
      service::NewUser nu;
      nu.user.username = u.username;
      nu.user.display_name = u.display_name;
      nu.user.roles = {u.role};
      if (u.role == Role::kPartner) nu.user.partner_id = 1;
      nu.password = options_.user_password;
      auto created = s_.users.Create(domain::SystemActor(), std::move(nu));
      if (!created.ok()) return Context(created.status(), std::string("demo user ") + u.username);
      actors_.push_back(service::ActorOf(*created));
    }
    return Status::Ok();
  }

  Status CreateWarehouses() {
    for (const WarehouseSpec& w : kWarehouses) {
      domain::Warehouse rec;
      rec.code = w.code;
      rec.name = w.name;
      rec.region = w.region;
      rec.address = w.address;
      auto created = s_.master.CreateWarehouse(domain::SystemActor(), rec);
      if (!created.ok()) return Context(created.status(), std::string("demo warehouse ") + w.code);
      warehouse_ids_.push_back(created->id);
    }
    return Status::Ok();
  }

  Status CreateProducts() {
    for (const ProductSpec& p : kProducts) {
      domain::Product rec;
      rec.sku = p.sku;
      rec.name = p.name;
      rec.spec = p.spec;
      rec.unit = p.unit;
      rec.list_price = ParseMoney(p.list_price);
      rec.min_price = Money::FromUnits(NicePrice(rec.list_price.units() * p.min_percent / 100));
      rec.tax_rate = Rate::FromUnits(p.tax_units);
      rec.make_to_order = p.make_to_order;
      rec.lead_time_days = p.lead_time_days;
      rec.safety_stock = Qty::FromInt(p.safety_stock);
      auto created = s_.master.CreateProduct(domain::SystemActor(), rec);
      if (!created.ok()) return Context(created.status(), std::string("demo product ") + p.sku);
      product_index_[created->id] = static_cast<int>(products_.size());
      products_.push_back(*created);
    }
    return Status::Ok();
  }

  std::string Mobile() {
    static const char* const kPrefixes[] = {"135", "136", "137", "138", "139",
                                            "150", "158", "186", "189"};
    std::string phone = rng_.Pick(kPrefixes);
    for (int i = 0; i < 8; ++i) phone += static_cast<char>('0' + rng_.Int(0, 9));
    return phone;
  }

  std::string Uscc(const char* division) {
    static constexpr char kChars[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    std::string code = std::string("91") + division;
    for (int i = 0; i < 9; ++i) code += kChars[rng_.Int(0, static_cast<int>(sizeof kChars) - 2)];
    const auto check = domain::UsccCheckChar(code);
    return check ? code + *check : "";
  }

  // The company printed on documents (settings), as an admin would enter it.
  Status CreateCompany() {
    const std::string uscc = Uscc("310115");
    auto done = s_.settings.Update(domain::SystemActor(), [&](domain::Settings& st) {
      st.company = {"上海奥德机电设备有限公司",          uscc,
                    "上海市浦东新区张江路 1288 号 5 幢", "中国工商银行上海张江支行",
                    "1001 2345 6789 0123 456",           "021-5080 1234"};
      return Status::Ok();
    });
    return done.ok() ? Status::Ok() : Context(done.status(), "demo: company settings");
  }

  Status CreateCustomers() {
    for (const CustomerSpec& c : kCustomers) {
      domain::Customer rec;
      rec.code = c.code;
      rec.name = c.name;
      rec.uscc = Uscc(c.division);
      rec.address = c.address;
      rec.region = c.region;
      rec.contacts = {{c.contact1, Mobile(), std::string("purchase@") + c.domain},
                      {c.contact2, Mobile(), std::string("finance@") + c.domain}};
      rec.bank_name = c.bank;
      std::string account = std::to_string(rng_.Int(1, 9));
      for (int i = 0; i < 18; ++i) account += static_cast<char>('0' + rng_.Int(0, 9));
      rec.bank_account = account;
      if (c.credit_limit) rec.credit_limit = ParseMoney(c.credit_limit);
      rec.payment_terms.method = c.method;
      rec.payment_terms.net_days = c.net_days;
      rec.payment_terms.prepay_percent = Rate::FromInt(c.prepay_percent);
      rec.default_invoice_type = c.invoice;
      rec.blocked = c.blocked;
      if (c.partner) rec.partner_id = 1;
      auto created = s_.master.CreateCustomer(domain::SystemActor(), rec);
      if (!created.ok()) return Context(created.status(), std::string("demo customer ") + c.code);
      customers_.push_back(*created);
    }
    return Status::Ok();
  }

  Status Adjust(int product, int warehouse, Qty delta, const std::string& reason) {
    service::StockAdjustment adj;
    adj.product_id = products_[product].id;
    adj.warehouse_id = warehouse_ids_[warehouse];
    adj.qty_delta = delta;
    adj.reason = reason;
    auto row = s_.stock.Adjust(actors_[kWarehouse], adj);
    if (!row.ok()) {
      return Context(row.status(), std::string("demo stock ") + kProducts[product].sku + " " +
                                       kWarehouses[warehouse].code);
    }
    return Status::Ok();
  }

  int RoundQty(int qty, const ProductSpec& p) {
    return std::max(p.qty_step, qty / p.qty_step * p.qty_step);
  }

  // Regular products sit in Shanghai and one to three other warehouses; the scarce ones
  // start below their safety stock; the servo drive is written off to zero on hand.
  Status InitialStock() {
    const std::string reason = "期初库存";
    for (int i = 0; i < static_cast<int>(std::size(kProducts)); ++i) {
      const ProductSpec& p = kProducts[i];
      switch (p.stock) {
        case StockKind::kNone:
          break;
        case StockKind::kScarce:
          RETURN_IF_ERROR(Adjust(i, 0, Qty::FromInt(std::max(1, p.safety_stock / 2)), reason));
          break;
        case StockKind::kZero:
          RETURN_IF_ERROR(Adjust(i, 0, Qty::FromInt(6), reason));
          clock_.Set(clock_.Now() + 2 * kHour);
          RETURN_IF_ERROR(Adjust(i, 0, Qty::FromInt(-6), "盘点：批次质量问题，整批退回供应商"));
          clock_.Set(clock_.Now() - 2 * kHour);
          break;
        case StockKind::kRegular: {
          std::set<int> where = {0};
          const int extra = rng_.Int(1, 3);
          while (static_cast<int>(where.size()) < 1 + extra) where.insert(rng_.Int(1, 4));
          for (int w : where) {
            const int qty = w == 0 ? p.safety_stock + p.qty_max * rng_.Int(5, 9)
                                   : p.safety_stock / 2 + p.qty_max * rng_.Int(2, 4);
            RETURN_IF_ERROR(Adjust(i, w, Qty::FromInt(RoundQty(qty, p)), reason));
            stocked_.insert({i, w});
          }
          break;
        }
      }
    }
    return Status::Ok();
  }

  // Each working morning, purchasing refills what fell low. The scarce products get
  // only a little now and then, so they stay under their safety stock.
  Status Restock(Date day, Millis before) {
    clock_.Set(std::min(tz_.StartOf(day) + 8 * kHour + rng_.Between(0, 20) * kMinute, before));
    storage::StockFilter f;
    f.page.page_size = 200;
    auto rows = s_.stock.List(actors_[kWarehouse], f);
    if (!rows.ok()) return Context(rows.status(), "demo restock: list stock");
    int po = 0;
    for (const domain::StockRow& row : rows->items) {
      const int i = product_index_.at(row.product_id);
      const ProductSpec& p = kProducts[i];
      int w = 0;
      while (warehouse_ids_[w] != row.warehouse_id) ++w;
      const int available = static_cast<int>(row.available().units() / 1000);
      int qty = 0;
      std::string reason;
      const bool main = w == 0;
      const int reorder = main ? p.safety_stock + p.qty_max * 2 : p.safety_stock / 2 + p.qty_max;
      if (p.stock == StockKind::kRegular && available < reorder) {
        qty = RoundQty(p.safety_stock + p.qty_max * (main ? rng_.Int(5, 9) : rng_.Int(2, 4)), p);
        reason = "采购入库 PO" + FormatDateCompact(day) + "-" + std::to_string(++po);
      } else if (p.stock == StockKind::kScarce && available <= 0 && rng_.Chance(25)) {
        qty = std::max(1, p.safety_stock / 3);
        reason = "紧急采购入库（供应商限量供货）";
      }
      if (qty > 0) RETURN_IF_ERROR(Adjust(i, w, Qty::FromInt(qty), reason));
    }
    return Status::Ok();
  }

  // Moves an instant into working hours (08:30-18:30, Monday to Friday), never past now.
  Millis Snap(Millis t) {
    Date d = tz_.DateOf(t);
    Millis tod = t - tz_.StartOf(d);
    const Millis open = 8 * kHour + 30 * kMinute;
    const Millis close = 18 * kHour + 30 * kMinute;
    if (tod < open || tod > close) {
      if (tod > close) d.days += 1;
      tod = open + rng_.Between(0, 90) * kMinute;
    }
    while (Weekday(d) >= 5) {
      d.days += 1;
      tod = open + rng_.Between(0, 90) * kMinute;
    }
    return std::min(tz_.StartOf(d) + tod, now_);
  }

  Fate ChooseFate(int age_days) {
    // draft, pending, rejected, approved, confirmed, reworked, cancelled, on_hold, held-released
    static const std::vector<int> kRecent = {10, 22, 8, 6, 34, 3, 7, 6, 4};
    static const std::vector<int> kMonth = {2, 5, 4, 3, 60, 6, 10, 5, 5};
    static const std::vector<int> kOlder = {1, 0, 2, 1, 70, 7, 11, 3, 5};
    static const Fate kFates[] = {Fate::kDraft,     Fate::kPending,   Fate::kRejected,
                                  Fate::kApproved,  Fate::kConfirmed, Fate::kReworked,
                                  Fate::kCancelled, Fate::kOnHold,    Fate::kHeldReleased};
    const auto& w = age_days <= 7 ? kRecent : age_days <= 30 ? kMonth : kOlder;
    return kFates[rng_.Weighted(w)];
  }

  // Times of creation over the last 90 days: working hours, few on weekends, a little
  // more business lately.
  std::vector<Millis> CreationTimes(int n) {
    std::vector<Millis> times;
    for (int i = 0; i < n; ++i) {
      Millis t = now_ - 30 * kMinute;
      for (int attempt = 0; attempt < 100; ++attempt) {
        const int ago = rng_.Int(0, kHistoryDays);
        const Date d{today_.days - ago};
        if (rng_.Int(0, 149) < ago) continue;
        if (Weekday(d) >= 5 && rng_.Chance(85)) continue;
        const Millis c = tz_.StartOf(d) + 8 * kHour + 30 * kMinute +
                         rng_.Between(0, 570) * kMinute + rng_.Between(0, 59) * 1000;
        if (c > now_ - 30 * kMinute) continue;
        t = c;
        break;
      }
      times.push_back(t);
    }
    std::sort(times.begin(), times.end());
    return times;
  }

  void PlanOrders() {
    const int n = std::max(0, options_.orders);
    const std::vector<Millis> times = CreationTimes(n);
    std::vector<Fate> fates;
    for (int i = 0; i < n; ++i)
      fates.push_back(ChooseFate(today_.days - tz_.DateOf(times[i]).days));
    // Every reachable status at least once (the newest orders take the missing ones), and
    // one draft for the blocked customer.
    const Fate kNeeded[] = {Fate::kBlockedDraft, Fate::kDraft,     Fate::kPending, Fate::kRejected,
                            Fate::kApproved,     Fate::kCancelled, Fate::kOnHold};
    int slot = n - 1;
    for (Fate f : kNeeded) {
      if (f != Fate::kBlockedDraft && std::count(fates.begin(), fates.end(), f) > 0) continue;
      while (slot >= 0 && (fates[slot] != Fate::kConfirmed ||
                           std::count(fates.begin(), fates.end(), Fate::kConfirmed) <= 1)) {
        --slot;
      }
      if (slot < 0) break;
      fates[slot--] = f;
    }
    for (int i = 0; i < n; ++i) PlanOrder(i, times[i], fates[i]);
  }

  service::LineInput MakeLine(int product, const CustomerSpec& c, bool tax_inclusive) {
    const ProductSpec& p = kProducts[product];
    service::LineInput line;
    line.product_id = products_[product].id;
    line.qty = Qty::FromInt(RoundQty(rng_.Int(p.qty_min, p.qty_max), p));
    if (tax_inclusive) {
      const int64_t list = products_[product].list_price.units();
      line.unit_price = Money::FromUnits(NicePrice(list * (10000 + p.tax_units) / 10000));
    }
    if (rng_.Chance(30)) {
      static const int kDiscounts[] = {200, 300, 500, 800, 1000};
      line.discount_rate = Rate::FromUnits(rng_.Pick(kDiscounts));
    }
    if (!p.make_to_order && stocked_.count({product, c.warehouse}) && rng_.Chance(40)) {
      line.warehouse_id = warehouse_ids_[c.warehouse];
    }
    return line;
  }

  void PlanOrder(int index, Millis created, Fate fate) {
    Plan plan;
    plan.fate = fate;
    // The customer.
    std::vector<int> weights;
    for (const CustomerSpec& c : kCustomers) {
      weights.push_back(fate == Fate::kApproved ? (c.partner ? 1 : 0) : c.weight);
    }
    plan.customer =
        fate == Fate::kBlockedDraft ? kBlockedCustomer : static_cast<int>(rng_.Weighted(weights));
    const CustomerSpec& c = kCustomers[plan.customer];
    const domain::Customer& customer = customers_[plan.customer];
    const bool partner = c.partner;
    // The customer's rep writes the order (the manager reviews it: nobody reviews an
    // order they wrote).
    plan.creator = partner ? kPartner : (c.rep == 0 ? kSales1 : kSales2);
    // The channel.
    service::OrderInput& in = plan.input;
    in.customer_id = customer.id;
    Channel channel = Channel::kPartner;
    if (!partner) {
      static const Channel kChannels[] = {Channel::kPhone, Channel::kEmail, Channel::kVisit,
                                          Channel::kWeb, Channel::kEcommerce};
      channel = kChannels[rng_.Weighted({35, 25, 15, 15, 10})];
      if (fate == Fate::kReworked && channel == Channel::kEcommerce) channel = Channel::kPhone;
    }
    in.channel = channel;
    const bool tax_inclusive = channel == Channel::kEcommerce;
    if (tax_inclusive) in.price_mode = domain::PriceMode::kTaxInclusive;
    // The lines.
    const int count = 1 + static_cast<int>(rng_.Weighted({30, 28, 20, 13, 9}));
    std::vector<int> product_weights;
    for (const ProductSpec& p : kProducts) product_weights.push_back(p.weight);
    std::vector<service::LineInput> lines;
    std::vector<int> picked;
    int lead = 0;
    for (int k = 0; k < count; ++k) {
      const int product = static_cast<int>(rng_.Weighted(product_weights));
      product_weights[product] = 0;
      picked.push_back(product);
      lines.push_back(MakeLine(product, c, tax_inclusive));
      if (kProducts[product].make_to_order)
        lead = std::max(lead, kProducts[product].lead_time_days);
    }
    const bool equipment = std::any_of(picked.begin(), picked.end(), [&](int p) {
      return products_[p].list_price >= Money::FromInt(2000);
    });
    if (equipment && rng_.Chance(12)) lines.push_back(MakeLine(kInstallService, c, tax_inclusive));
    if (lines.size() < 5 && rng_.Chance(5))
      lines.push_back(MakeLine(kFreightService, c, tax_inclusive));
    // A price under the minimum: the reworked orders' first round, and a few others.
    const bool below_min = fate == Fate::kReworked || (!tax_inclusive && rng_.Chance(7));
    if (below_min) {
      const size_t k =
          fate == Fate::kReworked ? 0 : rng_.Int(0, static_cast<int>(lines.size()) - 1);
      const int product = product_index_.at(lines[k].product_id);
      lines[k].unit_price = Money::FromUnits(
          NicePrice(products_[product].min_price.units() * rng_.Int(88, 97) / 100));
      lines[k].discount_rate = Rate();
    }
    if (fate == Fate::kReworked) {
      plan.fixed_lines = lines;
      for (auto& l : plan.fixed_lines) {
        l.unit_price.reset();
        l.discount_rate = std::min(l.discount_rate, Rate::FromUnits(500));
      }
    }
    int64_t approx_net = 0;  // yuan, for the order discount
    for (const auto& l : lines) {
      const int product = product_index_.at(l.product_id);
      const Money price = l.unit_price.value_or(products_[product].list_price);
      approx_net += l.qty.units() / 1000 * price.units() / 100;
    }
    in.lines = lines;
    // Freight, discount, dates, shipping.
    if (rng_.Chance(tax_inclusive ? 80 : 25)) {
      static const char* const kFreight[] = {"150.00", "200.00", "300.00", "500.00", "800.00"};
      in.freight = ParseMoney(rng_.Pick(kFreight));
    }
    if (approx_net > 20000 && rng_.Chance(6)) {
      static const char* const kRoundOff[] = {"100.00", "200.00", "500.00", "1000.00"};
      in.discount_amount = ParseMoney(rng_.Pick(kRoundOff));
    }
    const Date day = tz_.DateOf(created);
    if (rng_.Chance(85)) {
      int days = rng_.Int(3, 30);
      if (lead > 0 && rng_.Chance(70)) days = lead + rng_.Int(0, 15);
      in.requested_delivery_date = std::optional<Date>(Date{day.days + days});
    }
    const domain::Contact& contact = customer.contacts[rng_.Int(0, 1)];
    domain::ShipTo ship;
    ship.name = contact.name;
    ship.phone = contact.phone;
    ship.address = customer.address + (rng_.Chance(15) ? "（二号厂区收货）" : "");
    ship.postcode = c.postcode;
    in.ship_to = ship;
    if (rng_.Chance(30)) in.special_requirements = rng_.Pick(kSpecialRequirements);
    if (rng_.Chance(20)) in.notes = rng_.Pick(kNotes);
    if (fate == Fate::kBlockedDraft) in.notes = "客户账户已冻结（逾期应收），待财务解冻后再提交";
    const std::string ymd = FormatDateCompact(day);
    if (channel == Channel::kEcommerce) {
      in.external_ref =
          (rng_.Chance(60) ? "JD" : "TM") + ymd + std::to_string(rng_.Int(100000, 999999));
    } else if (channel == Channel::kWeb) {
      in.external_ref = "WEB-" + ymd + "-" + std::to_string(rng_.Int(1000, 9999));
    } else if (partner) {
      in.external_ref = "HT-PO-" + ymd + "-" + std::to_string(rng_.Int(10, 99));
    }
    plans_.push_back(std::move(plan));
    PlanSteps(index, created);
  }

  void PlanSteps(int index, Millis created) {
    const Plan& plan = plans_[index];
    const bool partner = kCustomers[plan.customer].partner;
    Millis t = std::min(created, now_);
    int seq = 0;
    auto add = [&](StepKind kind, int actor, Millis lo, Millis hi) -> Step& {
      if (seq > 0) t = std::max(t, Snap(t + rng_.Between(lo / kMinute, hi / kMinute) * kMinute));
      Step step;
      step.at = t;
      step.order = index;
      step.seq = seq++;
      step.kind = kind;
      step.actor = actor;
      steps_.push_back(step);
      return steps_.back();
    };
    auto create = [&](bool submit) { add(StepKind::kCreate, plan.creator, 0, 0).flag = submit; };
    // Sales reviews first; finance and warehouse follow in either order.
    std::vector<Department> order = {Department::kSales, Department::kFinance,
                                     Department::kWarehouse};
    if (rng_.Chance(50)) std::swap(order[1], order[2]);
    auto review = [&](Department d, bool approve, std::string comment) {
      const int actor = d == Department::kSales     ? kManager
                        : d == Department::kFinance ? kFinance
                                                    : kWarehouse;
      Step& s = add(StepKind::kReview, actor, 20 * kMinute, 5 * kHour);
      s.department = d;
      s.flag = approve;
      s.text = std::move(comment);
    };
    auto approve_all = [&](size_t from) {
      for (size_t k = from; k < order.size(); ++k) review(order[k], true, "");
    };
    auto reject = [&](Department d) {
      static const char* const kSales[] = {"价格及交期条件需与客户重新确认",
                                           "折扣超出授权范围，请重新报价"};
      static const char* const kFinanceReasons[] = {"客户有逾期未付款项，请先催收后再提交",
                                                    "开票信息与客户登记不一致，请核对"};
      static const char* const kWarehouseReasons[] = {"要求交期内无法备齐货物，请与客户协商交期",
                                                      "指定仓库无货，请改为就近仓发货"};
      review(d, false,
             d == Department::kSales     ? rng_.Pick(kSales)
             : d == Department::kFinance ? rng_.Pick(kFinanceReasons)
                                         : rng_.Pick(kWarehouseReasons));
    };
    auto confirm = [&]() {
      if (partner) add(StepKind::kConfirm, kPartner, 2 * kHour, 3 * kDay);
    };
    auto cancel = [&](Millis lo, Millis hi) {
      add(StepKind::kCancel, plan.creator, lo, hi).text = rng_.Pick(kCancelReasons);
    };
    auto hold = [&]() -> int {
      const bool by_finance = rng_.Chance(50);
      Step& s = add(StepKind::kHold, by_finance ? kFinance : kManager, 4 * kHour, 5 * kDay);
      s.text = by_finance ? "客户付款逾期，暂停执行待回款" : "客户要求暂缓交货，等待现场安装条件";
      return s.actor;
    };
    switch (plan.fate) {
      case Fate::kDraft:
        create(false);
        if (rng_.Chance(40)) {
          add(StepKind::kEdit, plan.creator, 1 * kHour, 2 * kDay).text =
              "等待客户签回技术协议后提交";
        }
        break;
      case Fate::kBlockedDraft:
        create(false);
        break;
      case Fate::kPending: {
        create(true);
        const int done = rng_.Int(0, 2);
        for (int k = 0; k < done; ++k) review(order[k], true, "");
        break;
      }
      case Fate::kRejected: {
        create(true);
        const int done = rng_.Int(0, 2);
        for (int k = 0; k < done; ++k) review(order[k], true, "");
        reject(order[done]);
        break;
      }
      case Fate::kApproved:
        create(true);
        approve_all(0);
        break;
      case Fate::kConfirmed:
        create(true);
        approve_all(0);
        confirm();
        break;
      case Fate::kReworked:
        create(true);
        if (rng_.Chance(40)) review(Department::kFinance, true, "");
        review(Department::kSales, false, "第1行单价低于最低限价且无特价审批，请按目录价重新报价");
        add(StepKind::kEdit, plan.creator, 2 * kHour, 1 * kDay);
        add(StepKind::kSubmit, plan.creator, 10 * kMinute, 1 * kHour);
        approve_all(0);
        confirm();
        break;
      case Fate::kCancelled: {
        const int from = rng_.Int(0, partner ? 4 : 3);
        if (from == 0) {  // a draft the customer dropped
          create(false);
        } else if (from == 1) {  // during the review
          create(true);
          if (rng_.Chance(50)) review(order[0], true, "");
        } else if (from == 2) {  // after a rejection
          create(true);
          reject(order[rng_.Int(0, 2)]);
        } else if (from == 3) {  // confirmed, before anything shipped
          create(true);
          approve_all(0);
          confirm();
        } else {  // approved, the partner's customer declined
          create(true);
          approve_all(0);
        }
        cancel(1 * kHour, 6 * kDay);
        break;
      }
      case Fate::kOnHold: {
        create(true);
        const int from = rng_.Int(0, 9);
        if (from >= 3) {
          approve_all(0);
          if (!partner || from >= 5) confirm();
        }
        hold();
        break;
      }
      case Fate::kHeldReleased: {
        create(true);
        approve_all(0);
        confirm();
        const int actor = hold();
        add(StepKind::kRelease, actor, 1 * kDay, 6 * kDay);
        break;
      }
    }
  }

  // The approving comment and the overrides this department needs for the order's flags.
  domain::ReviewRequest Approval(const Step& step, const Order& o) {
    domain::ReviewRequest req;
    req.department = step.department;
    req.approve = true;
    bool late = false;
    for (const domain::Flag& f : o.flags) {
      if (f.department != step.department) continue;
      if (f.code == domain::kFlagBelowMinPrice) req.override_price = true;
      if (f.code == domain::kFlagCreditLimit) req.override_credit = true;
      if (f.code == domain::kFlagLateDelivery) late = true;
      if (f.code == domain::kFlagInsufficientStock) {
        int lead = 3;
        for (const auto& line : o.lines) {
          if (line.backordered_qty > Qty()) {
            lead = std::max(lead, kProducts[product_index_.at(line.product_id)].lead_time_days);
          }
        }
        req.restock_date = Date{tz_.DateOf(step.at).days + lead + rng_.Int(0, 5)};
      }
    }
    switch (step.department) {
      case Department::kSales:
        req.comment = req.override_price ? "特价已核准：年度框架客户批量采购，同意低于限价成交"
                                         : "价格与交期符合政策，同意";
        if (late) req.comment += "；交期按仓库承诺日期执行，已与客户沟通";
        break;
      case Department::kFinance:
        req.comment = req.override_credit ? "超信用额度：客户历史回款及时，同意本单临时放行"
                                          : "付款条件与开票信息无误，同意";
        break;
      case Department::kWarehouse:
        req.comment = req.restock_date ? "部分缺货或需生产，预计 " + FormatDate(*req.restock_date) +
                                             " 备齐，按此承诺交期"
                                       : "库存已锁定，可按期发货";
        break;
    }
    return req;
  }

  Status RunStep(const Step& step) {
    const Plan& plan = plans_[step.order];
    Order& o = orders_[step.order];
    const domain::Actor& actor = actors_[step.actor];
    Result<Order> r(Status::Internal("unknown step"));
    switch (step.kind) {
      case StepKind::kCreate: {
        service::OrderInput in = plan.input;
        in.submit = step.flag;
        auto created = s_.orders.Create(actor, in, service::IdempotencyKey{});
        if (created.ok()) {
          r = created->order;
        } else {
          r = created.TakeStatus();
        }
        break;
      }
      case StepKind::kEdit: {
        service::OrderInput in;
        if (plan.fate == Fate::kReworked) {
          in.lines = plan.fixed_lines;
          in.notes = "已按目录价重新报价，客户确认";
        } else {
          in.notes = step.text;
        }
        const http::Codec codec{tz_};
        r = s_.orders.Edit(actor, o.id, in, o.version,
                           [&codec](const domain::Order& x) { return codec.OrderJson(x); });
        break;
      }
      case StepKind::kSubmit:
        r = s_.orders.Submit(actor, o.id, o.version);
        break;
      case StepKind::kReview: {
        domain::ReviewRequest req;
        if (step.flag) {
          req = Approval(step, o);
        } else {
          req.department = step.department;
          req.comment = step.text;
        }
        r = s_.orders.Review(actor, o.id, req, o.version);
        break;
      }
      case StepKind::kConfirm:
        r = s_.orders.Confirm(actor, o.id, o.version);
        break;
      case StepKind::kCancel:
        r = s_.orders.Cancel(actor, o.id, step.text, o.version);
        break;
      case StepKind::kHold:
        r = s_.orders.Hold(actor, o.id, step.text, o.version);
        break;
      case StepKind::kRelease:
        r = s_.orders.Release(actor, o.id, o.version);
        break;
    }
    if (!r.ok()) {
      return Context(r.status(), "demo order " + std::to_string(step.order + 1) + " " +
                                     StepName(step.kind) + " as " + actor.username);
    }
    o = std::move(r).value();
    return Status::Ok();
  }

  service::Services& s_;
  ManualClock& clock_;
  const DemoOptions& options_;
  Rng rng_;
  const TimeZone tz_;
  const Millis now_;
  const Date today_;
  std::vector<domain::Actor> actors_;  // by UserIndex
  std::vector<int64_t> warehouse_ids_;
  std::vector<domain::Product> products_;    // as kProducts
  std::map<int64_t, int> product_index_;     // product id → index in kProducts
  std::set<std::pair<int, int>> stocked_;    // (product, warehouse) with stock
  std::vector<domain::Customer> customers_;  // as kCustomers
  std::vector<Plan> plans_;
  std::vector<Step> steps_;
  std::vector<Order> orders_;  // each plan's order as last answered
};

}  // namespace

Status LoadDemo(service::Services& services, ManualClock& clock, const DemoOptions& options) {
  Loader loader(services, clock, options);
  const Millis now = clock.Now();
  Status st = loader.Run();
  clock.Set(now);
  return st;
}

}  // namespace ordo::app
