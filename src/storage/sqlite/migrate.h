#pragma once
// Brings a SQLite database up to the newest schema: every "sqlite" migration of
// storage/migrations.h that schema_migrations does not record runs, in version order,
// in its own transaction together with the row that records it. Applied ones are
// skipped, so running it again is a no-op.

#include "common/status.h"
#include "storage/sqlite/statement.h"

namespace ordo::storage::sqlite {

Status Migrate(Connection& conn);

}  // namespace ordo::storage::sqlite
