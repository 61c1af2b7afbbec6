#pragma once
// Logins, sessions and the admin bootstrap. Passwords are argon2id hashes (libsodium,
// 2 passes over 19 MiB, OWASP's recommended minimum); tokens are 32 random bytes,
// stored only as their SHA-256. Failed logins are rate limited per username and per
// address. Thread-safe.

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

// Counts failures in a sliding window; thread-safe.
class LoginLimiter {
 public:
  LoginLimiter(int max_failures, Millis window_ms) : max_(max_failures), window_(window_ms) {}
  bool Blocked(const std::string& key, Millis now);
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

  Result<LoginResult> Login(const std::string& username, const std::string& password,
                            const std::string& remote_addr);
  // The actor behind a bearer token, or kUnauthenticated.
  Result<domain::User> Authenticate(const std::string& token);
  Status Logout(const std::string& token);

  // On an empty database: creates `admin` with this password (or a generated one,
  // returned so the caller can print it once). Returns "" when users already exist.
  Result<std::string> EnsureAdmin(const std::string& password);

 private:
  const Deps& deps_;
  LoginLimiter by_user_{5, 5 * 60 * 1000};
  LoginLimiter by_addr_{20, 5 * 60 * 1000};
};

domain::Actor ActorOf(const domain::User& user);

}  // namespace ordo::service
