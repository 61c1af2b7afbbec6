#pragma once
// The company's settings (API.md "Settings"): what documents print, the rules a company
// tunes, and their defaults. A value type; thread-compatible.

#include <map>
#include <string>
#include <vector>

#include "common/decimal.h"
#include "domain/order.h"

namespace ordo::domain {

struct CompanyInfo {
  std::string name;
  std::string uscc;
  std::string address;
  std::string bank_name;
  std::string bank_account;
  std::string phone;
};

struct ComplaintDeadline {
  int acknowledge_days = 1;
  int resolve_days = 5;
};

struct Settings {
  CompanyInfo company;
  Rate freight_tax_rate = Rate::FromUnits(900);  // 0.09
  // Days after delivery within which a return is accepted, per return reason.
  std::map<std::string, int> return_policy_days = {{"quality", 90},
                                                   {"wrong_item", 30},
                                                   {"damaged_in_transit", 7},
                                                   {"not_needed", 7},
                                                   {"other", 7}};
  // Working days to acknowledge and to resolve a complaint, per category.
  std::map<std::string, ComplaintDeadline> complaint_deadlines = {
      {"quality", {}}, {"delivery", {}}, {"service", {}}, {"billing", {}}, {"other", {}}};
  // Weights of a partner's scorecard; they add up to 1.
  std::map<std::string, Rate> scorecard_weights = {{"completion_rate", Rate::FromUnits(4000)},
                                                   {"payment_timeliness", Rate::FromUnits(3000)},
                                                   {"complaint_rate", Rate::FromUnits(1500)},
                                                   {"return_rate", Rate::FromUnits(1500)}};
  // Segregation of duties: off, nobody reviews an order they created or last edited.
  bool allow_self_review = false;
  // Orders through these channels wait for the customer's confirmation after approval.
  std::vector<Channel> confirmation_channels = {Channel::kPartner};
  int archive_after_days = 90;
};

// The keys of Settings as the API names them, in order.
inline const std::vector<std::string>& SettingKeys() {
  static const std::vector<std::string> kKeys = {
      "company",           "freight_tax_rate",  "return_policy_days",    "complaint_deadlines",
      "scorecard_weights", "allow_self_review", "confirmation_channels", "archive_after_days"};
  return kKeys;
}

}  // namespace ordo::domain
