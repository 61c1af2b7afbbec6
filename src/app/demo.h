#pragma once
// `ordo demo`: loads a realistic data set into an empty database through the use cases
// (so every record is validated and audited like a user's): warehouses in several
// regions, ~30 products with Chinese names, ~20 customers with valid USCCs, users for
// every role, and a few hundred orders over the last 90 days in every status.

#include <string>

#include "common/time.h"
#include "service/services.h"

namespace ordo::app {

// A clock the demo moves by hand to spread records over past days. Thread-compatible.
class ManualClock : public Clock {
 public:
  explicit ManualClock(Millis now) : now_(now) {}
  Millis Now() const override { return now_; }
  void Set(Millis now) { now_ = now; }

 private:
  Millis now_;
};

struct DemoOptions {
  int orders = 300;
  uint32_t seed = 20261122;
  std::string user_password = "demo1234";  // every demo user's password (not admin's)
};

// Fails with kConflict when the database already holds orders or non-admin users.
Status LoadDemo(service::Services& services, ManualClock& clock, const DemoOptions& options);

}  // namespace ordo::app
