// A connection URI, split into its parts: scheme://user:password@hosts/path?query
//
// The core needs only the scheme to choose a plugin; the plugin owns the
// meaning of everything else. The parts are still split here, once, so that
// every dialect reads them the same way and every message can print the URI
// with its password masked.
//
// Accepted: any scheme of letters, digits, '+', '-', '.'; user info with
// percent-encoding; several comma-separated hosts (libpq's multi-host form);
// IPv6 hosts in brackets; ports 1-65535; query options key=value joined by '&'.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lingo/export.h"

namespace lingo {

struct LINGO_API UriHost {
  std::string name;              // decoded; IPv6 without brackets
  std::optional<unsigned> port;  // absent when not given
  friend bool operator==(const UriHost&, const UriHost&) = default;
};

class LINGO_API Uri {
 public:
  // Throws UriError naming the fault and showing the URI with its password masked.
  static Uri parse(std::string_view text);

  [[nodiscard]] const std::string& scheme() const noexcept { return scheme_; }  // lower case
  // The scheme without a "+pool" (or other "+...") suffix: "postgresql+pool" -> "postgresql".
  [[nodiscard]] std::string base_scheme() const;
  [[nodiscard]] std::string scheme_variant() const;  // "pool" for "postgresql+pool"; else ""
  [[nodiscard]] const std::optional<std::string>& user() const noexcept { return user_; }
  [[nodiscard]] const std::optional<std::string>& password() const noexcept { return password_; }
  [[nodiscard]] const std::vector<UriHost>& hosts() const noexcept { return hosts_; }
  // Decoded path, without the '/' that separates it from the authority:
  // "sqlite:///app.db" -> "app.db", "sqlite:////tmp/app.db" -> "/tmp/app.db".
  [[nodiscard]] const std::string& path() const noexcept { return path_; }
  [[nodiscard]] bool has_path() const noexcept { return has_path_; }
  // Query options in the order written, decoded.
  [[nodiscard]] const std::vector<std::pair<std::string, std::string>>& options() const noexcept {
    return options_;
  }
  [[nodiscard]] std::optional<std::string> option(std::string_view key) const;

  // The text as given.
  [[nodiscard]] const std::string& text() const noexcept { return text_; }
  // The text with the password (in the user info and in a "password" option)
  // replaced by "****". Use this in every message and log line.
  [[nodiscard]] std::string masked() const;

  // Returns a copy with the given options removed and the scheme replaced;
  // for dialects that must hand a cleaned URI to a client library.
  [[nodiscard]] std::string rebuild(std::string_view new_scheme,
                                    const std::vector<std::string>& drop_options = {}) const;

 private:
  std::string text_;
  std::string scheme_;
  std::optional<std::string> user_;
  std::optional<std::string> password_;
  std::string raw_authority_;  // as written, for rebuild()
  std::vector<UriHost> hosts_;
  std::string path_;
  std::string raw_path_;
  bool has_path_ = false;
  std::vector<std::pair<std::string, std::string>> options_;
  std::vector<std::pair<std::string, std::string>> raw_options_;
};

// Masks the password of a URI-like string without throwing: for messages about
// text that may not parse. Falls back to masking everything after "://" up to
// '@' when the text is malformed.
[[nodiscard]] LINGO_API std::string mask_uri(std::string_view text);

// Percent-decoding; throws UriError on a malformed escape.
[[nodiscard]] LINGO_API std::string percent_decode(std::string_view text, std::string_view what);

}  // namespace lingo
