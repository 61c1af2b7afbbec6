#include "service/auth_service.h"

#include <sodium.h>

#include <algorithm>
#include <stdexcept>

#include "service/audit.h"

namespace ordo::service {

namespace {
constexpr unsigned long long kOpsLimit = 2;
constexpr size_t kMemLimit = 19u << 20;

void EnsureSodium() {
  static const int init = sodium_init();
  if (init < 0) throw std::runtime_error("libsodium failed to initialise");
}

std::string UrlSafe(const unsigned char* bytes, size_t n) {
  std::string out(sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.find('\0'));
  return out;
}
}  // namespace

std::string HashPassword(const std::string& password) {
  EnsureSodium();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), kOpsLimit, kMemLimit,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw std::runtime_error("out of memory hashing a password");
  }
  return out;
}

bool VerifyPassword(const std::string& hash, const std::string& password) {
  EnsureSodium();
  if (hash.empty()) return false;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

std::string NewToken() {
  EnsureSodium();
  unsigned char buf[32];
  randombytes_buf(buf, sizeof buf);
  return UrlSafe(buf, sizeof buf);
}

std::string RandomPassword() {
  EnsureSodium();
  unsigned char buf[12];
  randombytes_buf(buf, sizeof buf);
  return UrlSafe(buf, sizeof buf);
}

std::string TokenHash(const std::string& token) {
  EnsureSodium();
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(token.data()), token.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

Millis LoginLimiter::BlockedFor(const std::string& key, Millis now) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return 0;
  const Millis left = it->second.window_start + window_ - now;
  if (left <= 0) {
    entries_.erase(it);
    return 0;
  }
  return it->second.failures >= max_ ? left : 0;
}

void LoginLimiter::Fail(const std::string& key, Millis now) {
  std::lock_guard lock(mu_);
  if (entries_.size() > 100000) {
    // Bound memory under a flood of names: forget what blocks nobody, never a block.
    std::erase_if(entries_, [&](const auto& kv) {
      return kv.second.failures < max_ || now - kv.second.window_start > window_;
    });
  }
  Entry& e = entries_[key];
  if (e.failures == 0 || now - e.window_start > window_) {
    e.failures = 0;
    e.window_start = now;
  }
  ++e.failures;
}

void LoginLimiter::Reset(const std::string& key) {
  std::lock_guard lock(mu_);
  entries_.erase(key);
}

domain::Actor ActorOf(const domain::User& user) {
  domain::Actor a;
  a.user_id = user.id;
  a.username = user.username;
  a.roles = user.roles;
  a.partner_id = user.partner_id;
  return a;
}

AuthService::AuthService(const Deps& deps) : deps_(deps) {}

namespace {
// 429 with how long the block lasts, in whole seconds (rounded up), for Retry-After.
Status TooManyFailures(Millis left_ms) {
  Status s(Code::kRateLimited, "too many failed logins; try again in a few minutes");
  s.AddDetail("retry_after", std::to_string((left_ms + 999) / 1000));
  return s;
}
}  // namespace

Result<bool> AuthService::PasswordMatches(const std::string& username, const std::string& password,
                                          storage::UserRecord* rec) {
  Status st = deps_.store->Read([&](storage::Tx& tx) -> Status {
    auto r = tx.users().GetByUsername(username);
    if (!r.ok()) return r.TakeStatus();
    *rec = std::move(r).value();
    return Status::Ok();
  });
  if (!st.ok() && st.code() != Code::kNotFound) return st;
  // Verify against a dummy hash for unknown users so timing does not reveal them.
  static const std::string kDummy = HashPassword("not-a-real-password");
  const bool good = st.ok() ? VerifyPassword(rec->password_hash, password)
                            : (VerifyPassword(kDummy, password) && false);
  return good && rec->user.active;
}

Result<LoginResult> AuthService::Login(const std::string& username, const std::string& password,
                                       const std::string& client_addr) {
  const Millis now = deps_.Now();
  const Millis blocked =
      std::max(by_user_.BlockedFor(username, now), by_addr_.BlockedFor(client_addr, now));
  if (blocked > 0) return TooManyFailures(blocked);
  storage::UserRecord rec;
  ASSIGN_OR_RETURN(const bool good, PasswordMatches(username, password, &rec));
  if (!good) {
    by_user_.Fail(username, now);
    by_addr_.Fail(client_addr, now);
    return Status::Unauthenticated("wrong username or password");
  }
  by_user_.Reset(username);
  LoginResult out;
  out.token = NewToken();
  out.expires_at = now + deps_.session_ttl_ms;
  out.user = rec.user;
  const std::string hash = TokenHash(out.token);
  RETURN_IF_ERROR(deps_.store->Write([&](storage::Tx& tx) -> Status {
    RETURN_IF_ERROR(tx.sessions().Insert(hash, rec.user.id, now, out.expires_at));
    return Audit(tx, deps_, ActorOf(rec.user), "user", rec.user.id, "login",
                 nlohmann::json::object());
  }));
  return out;
}

Status AuthService::CheckCurrentPassword(const std::string& username, const std::string& password) {
  const Millis now = deps_.Now();
  if (const Millis blocked = by_user_.BlockedFor(username, now); blocked > 0) {
    return TooManyFailures(blocked);
  }
  storage::UserRecord rec;
  ASSIGN_OR_RETURN(const bool good, PasswordMatches(username, password, &rec));
  if (!good) {
    by_user_.Fail(username, now);
    return Status::Invalid("current_password", "wrong password");
  }
  return Status::Ok();
}

Result<domain::User> AuthService::Authenticate(const std::string& token) {
  if (token.empty()) return Status::Unauthenticated("missing bearer token");
  const std::string hash = TokenHash(token);
  domain::User user;
  // ReadLatest: a token is only known to a client once its login was answered (and so
  // is on disk); a logout or deactivation that is not yet on disk already counts here.
  Status st = deps_.store->ReadLatest([&](storage::Tx& tx) -> Status {
    auto r = tx.sessions().GetUser(hash, deps_.Now());
    if (!r.ok()) return r.TakeStatus();
    user = std::move(r->user);
    return Status::Ok();
  });
  if (!st.ok()) {
    if (st.code() == Code::kNotFound || st.code() == Code::kUnauthenticated) {
      return Status::Unauthenticated("invalid or expired token");
    }
    return st;
  }
  if (!user.active) return Status::Unauthenticated("user is deactivated");
  return user;
}

Status AuthService::Logout(const std::string& token) {
  const std::string hash = TokenHash(token);
  return deps_.store->Write([&](storage::Tx& tx) { return tx.sessions().Delete(hash); });
}

Result<std::string> AuthService::EnsureAdmin(const std::string& password) {
  std::string generated;
  Status st = deps_.store->Write([&](storage::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(int64_t count, tx.users().Count());
    if (count > 0) return Status::Ok();
    const std::string pw = password.empty() ? RandomPassword() : password;
    if (password.empty()) generated = pw;
    domain::User admin;
    admin.username = "admin";
    admin.display_name = "Administrator";
    admin.roles = {domain::Role::kAdmin};
    admin.created_at = admin.updated_at = deps_.Now();
    ASSIGN_OR_RETURN(int64_t id, tx.users().Insert(admin, HashPassword(pw)));
    return Audit(tx, deps_, domain::SystemActor(), "user", id, "bootstrap_admin",
                 {{"username", "admin"}});
  });
  if (!st.ok()) return st;
  return generated;
}

}  // namespace ordo::service
