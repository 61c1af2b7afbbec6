#pragma once
// All use cases, built once at start-up over one Deps. Thread-safe.

#include "service/audit_service.h"
#include "service/auth_service.h"
#include "service/master_service.h"
#include "service/order_service.h"
#include "service/settings_service.h"
#include "service/stock_service.h"
#include "service/user_service.h"

namespace ordo::service {

struct Services {
  explicit Services(const Deps& d)
      : deps(d),
        auth(deps),
        users(deps),
        master(deps),
        stock(deps),
        orders(deps),
        audit(deps),
        settings(deps) {}
  Deps deps;
  AuthService auth;
  UserService users;
  MasterService master;
  StockService stock;
  OrderService orders;
  AuditService audit;
  SettingsService settings;
};

}  // namespace ordo::service
