#pragma once
// Logins, sessions and the admin bootstrap. Passwords are argon2id hashes (libsodium,
// 2 passes over 19 MiB, OWASP's recommended minimum); tokens are 32 random bytes,
// stored only as their SHA-256. Failed logins are limited per username and, separately,
// per client address (OWASP, credential stuffing): 5 failures for one username within 5
// minutes lock that username (from every address) until the 5 minutes are over; 20 from
// one address lock that address (for every username). Neither touches other usernames
// from other addresses. A success clears its username's count, never its address's.
// Kept in memory, per server process. Thread-safe.

#include <chrono>
#include <map>
#include <mutex>
#include <string>

#include "domain/entities.h"
#include "service/deps.h"

namespace ordo::service {

std::string HashPassword(const std::string& password);
bool VerifyPassword(const std::string& hash, const std::string& password);
std::string NewToken();                           // 43 url-safe characters
std::string TokenHash(const std::string& token);  // hex SHA-256
std::string RandomPassword();                     // 16 url-safe characters

// Counts failures per key in a window that starts at the key's first failure; `max`
// failures block the key until the window ends. Thread-safe.
class LoginLimiter {
 public:
  LoginLimiter(int max_failures, Millis window_ms) : max_(max_failures), window_(window_ms) {}
  // How much longer `key` is blocked; 0 when it is not.
  Millis BlockedFor(const std::string& key, Millis now);
  void Fail(const std::string& key, Millis now);
  void Reset(const std::string& key);

 private:
  struct Entry {
    int failures = 0;
    Millis window_start = 0;
  };
  std::mutex mu_;
  std::map<std::string, Entry> entries_;
  int max_;
  Millis window_;
};

struct LoginResult {
  std::string token;
  Millis expires_at = 0;
  domain::User user;
};

class AuthService {
 public:
  explicit AuthService(const Deps& deps);

  // `client_addr` is the client's address (behind a trusted proxy, from X-Forwarded-For).
  // 429 rate_limited with details.retry_after (seconds) while the username or the
  // address is blocked.
  Result<LoginResult> Login(const std::string& username, const std::string& password,
                            const std::string& client_addr);
  // The current password of a signed-in user who wants to set a new one: 422
  // current_password when wrong. Counts as a failed login of the username, so a stolen
  // token cannot be used to guess the password at leisure.
  Status CheckCurrentPassword(const std::string& username, const std::string& password);
  // The actor behind a bearer token, or kUnauthenticated.
  Result<domain::User> Authenticate(const std::string& token);
  Status Logout(const std::string& token);

  // On an empty database: creates `admin` with this password (or a generated one,
  // returned so the caller can print it once). Returns "" when users already exist.
  Result<std::string> EnsureAdmin(const std::string& password);

 private:
  // The user's record and whether `password` is its password (false for unknown and
  // deactivated users, after as long as a real check takes).
  Result<bool> PasswordMatches(const std::string& username, const std::string& password,
                               storage::UserRecord* rec);

  const Deps& deps_;
  LoginLimiter by_user_{5, 5 * 60 * 1000};
  LoginLimiter by_addr_{20, 5 * 60 * 1000};
};

domain::Actor ActorOf(const domain::User& user);

}  // namespace ordo::service
