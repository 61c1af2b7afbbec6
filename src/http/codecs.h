#pragma once
// JSON codecs: records to answers, request bodies to records and use-case inputs.
// Readers fill a FieldErrors with the path of each bad field.

#include <nlohmann/json.hpp>

#include "common/time.h"
#include "domain/entities.h"
#include "domain/order.h"
#include "domain/review_rules.h"
#include "domain/settings.h"
#include "http/json_io.h"
#include "service/order_service.h"
#include "service/stock_service.h"
#include "service/user_service.h"
#include "storage/store.h"

namespace ordo::http {

// Formats instants in the business time zone.
struct Codec {
  TimeZone tz;

  std::string Time(Millis ms) const { return FormatInstant(ms, tz.offset_minutes); }

  json UserJson(const domain::User& u) const;
  json CustomerJson(const domain::Customer& c) const;
  json ProductJson(const domain::Product& p) const;
  json WarehouseJson(const domain::Warehouse& w) const;
  json StockJson(const domain::StockRow& s) const;
  json MovementJson(const domain::StockMovement& m) const;
  json OrderJson(const domain::Order& o, bool with_details = true) const;
  json EventJson(const domain::Event& e) const;
};

json PaymentTermsJson(const domain::PaymentTerms& t);

// The bytes of codec.OrderJson(o, with_details).dump(), written without building the JSON
// tree (an order's answer is the hot path of intake).
std::string OrderJsonText(const Codec& codec, const domain::Order& o, bool with_details);

// Request readers. `patch` reads only present fields into an existing record.
void ReadUser(Reader& r, service::NewUser& out);
void ReadUserPatch(Reader& r, service::UserPatch& out);
void ReadCustomer(Reader& r, domain::Customer& c);
void ReadProduct(Reader& r, domain::Product& p);
void ReadWarehouse(Reader& r, domain::Warehouse& w);
void ReadAdjustment(Reader& r, service::StockAdjustment& out);
void ReadOrderInput(Reader& r, service::OrderInput& out, bool creating);
void ReadReview(Reader& r, domain::ReviewRequest& out);
// A settings patch: present keys replace their values (objects key by key).
void ReadSettings(Reader& r, domain::Settings& s);

}  // namespace ordo::http
