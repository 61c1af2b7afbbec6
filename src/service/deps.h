#pragma once
// What every use case needs: the store, the clock and the business time zone.
// Shared, immutable after start-up; thread-safe as the Store is.

#include "common/time.h"
#include "storage/store.h"

namespace ordo::service {

struct Deps {
  storage::Store* store = nullptr;
  const Clock* clock = nullptr;
  TimeZone tz;
  Millis session_ttl_ms = 12LL * 3600 * 1000;  // tokens expire after 12 hours

  Millis Now() const { return clock->Now(); }
  Date Today() const { return tz.DateOf(clock->Now()); }
};

}  // namespace ordo::service
