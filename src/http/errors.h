#pragma once
// The one place a Status becomes an HTTP answer (API.md "Errors").

#include <string_view>

#include "common/status.h"
#include "http/i18n.h"
#include "http/server.h"

namespace ordo::http {

int HttpStatusOf(const Status& s);
std::string_view ErrorCodeOf(const Status& s);
// The error body in the caller's language; internal errors get a generic message carrying
// the request id (the real message goes to the log, never to the client).
Response ErrorResponse(const Status& s, const std::string& request_id, Lang lang = Lang::kEn);

}  // namespace ordo::http
