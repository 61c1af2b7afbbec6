#pragma once
// Brings a PostgreSQL database up to the newest schema: every "postgres" migration of
// storage/migrations.h that schema_migrations does not record runs, in version order, in
// its own transaction together with the row that records it. The whole run holds a
// session-level advisory lock, so that servers starting together against one database
// apply each migration once and wait for each other. Running it again is a no-op.

#include "common/status.h"
#include "storage/postgres/connection.h"

namespace ordo::storage::postgres {

Status Migrate(Connection& conn);

}  // namespace ordo::storage::postgres
