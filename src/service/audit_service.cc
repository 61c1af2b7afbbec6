#include "service/audit_service.h"

#include "service/access.h"

namespace ordo::service {

Result<storage::Page<domain::Event>> AuditService::List(const domain::Actor& actor,
                                                        const storage::EventFilter& f) {
  RETURN_IF_ERROR(Require(actor, {domain::Role::kAdmin, domain::Role::kAuditor}));
  storage::Page<domain::Event> out;
  RETURN_IF_ERROR(deps_.store->Read([&](storage::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(out, tx.events().ListAudit(f));
    return Status::Ok();
  }));
  return out;
}

}  // namespace ordo::service
