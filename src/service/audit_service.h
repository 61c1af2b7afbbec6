#pragma once
// The audit log: every change, who made it and when, as the use cases record it in the
// same transaction as the change (service/audit.h). Read-only; nothing edits it.
// Thread-safe.

#include "domain/entities.h"
#include "service/deps.h"

namespace ordo::service {

class AuditService {
 public:
  explicit AuditService(const Deps& deps) : deps_(deps) {}
  // admin, auditor. Newest first.
  Result<storage::Page<domain::Event>> List(const domain::Actor& actor,
                                            const storage::EventFilter& f);

 private:
  const Deps& deps_;
};

}  // namespace ordo::service
