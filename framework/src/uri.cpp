#include "lingo/uri.h"

#include <Poco/Exception.h>
#include <Poco/String.h>
#include <Poco/URI.h>
#include <algorithm>
#include <cctype>

#include "lingo/errors.h"

namespace lingo {
namespace {

constexpr std::string_view kMask = "****";

[[noreturn]] void bad_uri(std::string_view text, const std::string& problem) {
  throw_error<UriError>("invalid connection URI '" + mask_uri(text) + "': " + problem);
}

bool is_scheme_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
}

UriHost parse_host(std::string_view text, std::string_view raw) {
  UriHost host;
  std::string_view port;
  if (!raw.empty() && raw.front() == '[') {
    const auto close = raw.find(']');
    if (close == std::string_view::npos)
      bad_uri(text, "IPv6 host '" + std::string(raw) + "' lacks its closing ']'");
    host.name = std::string(raw.substr(1, close - 1));
    if (host.name.empty()) bad_uri(text, "empty IPv6 host '[]'");
    std::string_view after = raw.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') bad_uri(text, "unexpected '" + std::string(after) + "' after IPv6 host");
      port = after.substr(1);
      if (port.empty()) bad_uri(text, "empty port after ':'");
    }
  } else {
    const auto colon = raw.rfind(':');
    if (colon != std::string_view::npos) {
      port = raw.substr(colon + 1);
      raw = raw.substr(0, colon);
      if (port.empty()) bad_uri(text, "empty port after ':'");
    }
    if (raw.find(':') != std::string_view::npos)
      bad_uri(text,
              "host '" + std::string(raw) + "' has ':' in it; write IPv6 addresses in brackets, as [::1]");
    host.name = percent_decode(raw, "host");
  }
  if (!port.empty()) {
    if (port.size() > 5 ||
        !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }))
      // Not quoted: in a URI whose password holds a '/', what looks like a
      // port is part of the password.
      bad_uri(text, "the port after the host is not a number from 1 to 65535");
    const unsigned value = static_cast<unsigned>(std::stoul(std::string(port)));
    if (value == 0 || value > 65535)
      bad_uri(text, "port " + std::string(port) + " is out of range (1 to 65535)");
    host.port = value;
  }
  return host;
}

}  // namespace

std::string percent_decode(std::string_view text, std::string_view what) {
  std::string out;
  out.reserve(text.size());
  try {
    Poco::URI::decode(std::string(text), out, /*plusAsSpace=*/false);
  } catch (const Poco::SyntaxException&) {
    // Not passed on: Poco's message quotes the input, which may be a password.
    throw_error<UriError>("malformed percent-encoding in the URI's " + std::string(what) +
                          ": '%' must be followed by two hex digits");
  }
  return out;
}

Uri Uri::parse(std::string_view text) {
  Uri uri;
  uri.text_ = std::string(text);
  const auto sep = text.find("://");
  if (sep == std::string_view::npos)
    bad_uri(text, "expected scheme://..., for example postgresql://user@host/db or sqlite:///app.db");
  const std::string_view scheme = text.substr(0, sep);
  if (scheme.empty()) bad_uri(text, "the scheme before '://' is empty");
  if (!std::isalpha(static_cast<unsigned char>(scheme.front())) ||
      !std::all_of(scheme.begin(), scheme.end(), is_scheme_char))
    bad_uri(text, "the scheme must start with a letter and hold only letters, digits, '+', '-' and '.'");
  uri.scheme_ = Poco::toLower(std::string(scheme));

  std::string_view rest = text.substr(sep + 3);
  const auto authority_end = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, authority_end);
  if (authority.find('@') == std::string_view::npos && authority_end != std::string_view::npos &&
      authority.find(':') != std::string_view::npos &&
      rest.find('@', authority_end) != std::string_view::npos &&
      rest.find('@', authority_end) < rest.find('?', authority_end)) {
    bad_uri(text,
            "the user name or password holds a '/' or '?': percent-encode them (%2F for '/', %3F for '?', "
            "%40 for '@')");
  }
  rest = authority_end == std::string_view::npos ? std::string_view{} : rest.substr(authority_end);
  uri.raw_authority_ = std::string(authority);

  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    const std::string_view userinfo = authority.substr(0, at);
    authority = authority.substr(at + 1);
    const auto colon = userinfo.find(':');
    uri.user_ = percent_decode(userinfo.substr(0, colon), "user name");
    if (colon != std::string_view::npos)
      uri.password_ = percent_decode(userinfo.substr(colon + 1), "password");
  }
  if (!authority.empty()) {
    std::size_t start = 0;
    while (true) {
      const auto comma = authority.find(',', start);
      const std::string_view item =
          authority.substr(start, comma == std::string_view::npos ? comma : comma - start);
      if (item.empty()) bad_uri(text, "empty host in the host list");
      uri.hosts_.push_back(parse_host(text, item));
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
  }

  const auto query_start = rest.find('?');
  const std::string_view path = rest.substr(0, query_start);
  if (!path.empty()) {
    uri.has_path_ = true;
    uri.raw_path_ = std::string(path);
    uri.path_ = percent_decode(path.substr(1), "path");
  }
  if (query_start != std::string_view::npos) {
    std::string_view query = rest.substr(query_start + 1);
    while (!query.empty()) {
      const auto amp = query.find('&');
      const std::string_view item = query.substr(0, amp);
      query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
      if (item.empty()) continue;
      const auto eq = item.find('=');
      const std::string_view key = item.substr(0, eq);
      const std::string_view value = eq == std::string_view::npos ? std::string_view{} : item.substr(eq + 1);
      if (key.empty()) bad_uri(text, "query option '" + std::string(item) + "' has no name");
      uri.raw_options_.emplace_back(std::string(key), std::string(value));
      uri.options_.emplace_back(percent_decode(key, "query option name"),
                                percent_decode(value, "query option value"));
    }
  }
  return uri;
}

std::string Uri::base_scheme() const {
  return scheme_.substr(0, scheme_.find('+'));
}

std::string Uri::scheme_variant() const {
  const auto plus = scheme_.find('+');
  return plus == std::string::npos ? std::string{} : scheme_.substr(plus + 1);
}

std::optional<std::string> Uri::option(std::string_view key) const {
  for (const auto& [k, v] : options_)
    if (k == key) return v;
  return std::nullopt;
}

namespace {

// Reassembles a URI from its raw parts, masking the password and dropping options.
std::string assemble(std::string_view scheme, std::string_view raw_authority, bool has_password,
                     std::string_view raw_path,
                     const std::vector<std::pair<std::string, std::string>>& raw_options,
                     const std::vector<std::pair<std::string, std::string>>& options,
                     const std::vector<std::string>& drop, bool mask) {
  std::string out(scheme);
  out += "://";
  std::string_view authority = raw_authority;
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = authority.substr(0, at);
    if (mask && has_password) {
      out += userinfo.substr(0, userinfo.find(':'));
      out += ':';
      out += kMask;
    } else {
      out += userinfo;
    }
    out += '@';
    authority = authority.substr(at + 1);
  }
  out += authority;
  out += raw_path;
  char sep = '?';
  for (std::size_t i = 0; i < raw_options.size(); ++i) {
    if (std::find(drop.begin(), drop.end(), options[i].first) != drop.end()) continue;
    out += sep;
    sep = '&';
    out += raw_options[i].first;
    out += '=';
    out += mask && options[i].first == "password" ? std::string(kMask) : raw_options[i].second;
  }
  return out;
}

}  // namespace

std::string Uri::masked() const {
  return assemble(scheme_, raw_authority_, password_.has_value(), raw_path_, raw_options_, options_, {},
                  true);
}

std::string Uri::rebuild(std::string_view new_scheme, const std::vector<std::string>& drop_options) const {
  return assemble(new_scheme, raw_authority_, password_.has_value(), raw_path_, raw_options_, options_,
                  drop_options, false);
}

namespace {

// "host:port" as written, with a port that is not a number masked.
std::string host_with_masked_port(std::string_view item) {
  const auto close = item.starts_with('[') ? item.find(']') : std::string_view::npos;
  const auto colon = item.find(':', close == std::string_view::npos ? 0 : close);
  if (colon == std::string_view::npos) return std::string(item);
  const std::string_view port = item.substr(colon + 1);
  if (std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::string(item);
  return std::string(item.substr(0, colon + 1)) + std::string(kMask);
}

}  // namespace

std::string mask_uri(std::string_view text) {
  // Structural, on the raw text, so that even a URI that does not parse is
  // masked, and never by searching for the secret itself (which would mangle
  // every word that happens to contain it).
  const auto sep = text.find("://");
  if (sep == std::string_view::npos) {
    // Not a URI: libpq's key=value form, perhaps. Mask each password=VALUE.
    std::string out(text);
    for (std::size_t pos = out.find("password="); pos != std::string::npos;
         pos = out.find("password=", pos + 1)) {
      const auto start = pos + 9;
      const auto end = out.find_first_of(" \t&", start);
      out.replace(start, end == std::string::npos ? std::string::npos : end - start, kMask);
    }
    return out;
  }
  std::string_view rest = text.substr(sep + 3);
  std::string out(text.substr(0, sep + 3));
  // The user information ends at the last '@': a password may hold an
  // unencoded '/', '?' or ':', and masking too much is safe.
  if (const auto at = rest.rfind('@'); at != std::string_view::npos) {
    const std::string_view userinfo = rest.substr(0, at);
    const auto colon = userinfo.find(':');
    out += colon == std::string_view::npos ? userinfo
                                           : std::string(userinfo.substr(0, colon + 1)) + std::string(kMask);
    out += '@';
    rest.remove_prefix(at + 1);
  }
  // A "port" that is not a number may be a password whose '@' is missing
  // (user:secret/db): masked too.
  const auto hosts_end = rest.find_first_of("/?");
  std::string_view hosts = rest.substr(0, hosts_end);
  rest.remove_prefix(hosts.size());
  for (std::size_t start = 0;;) {
    const auto comma = hosts.find(',', start);
    out +=
        host_with_masked_port(hosts.substr(start, comma == std::string_view::npos ? comma : comma - start));
    if (comma == std::string_view::npos) break;
    out += ',';
    start = comma + 1;
  }
  const auto query = rest.find('?');
  out += rest.substr(0, query);
  if (query == std::string_view::npos) return out;
  // Options whose name, percent-decoded, is "password" (pass%77ord too).
  std::string_view options = rest.substr(query + 1);
  out += '?';
  bool first = true;
  while (true) {
    const auto amp = options.find('&');
    const std::string_view option = options.substr(0, amp);
    if (!first) out += '&';
    first = false;
    const auto eq = option.find('=');
    std::string name;
    try {
      name = percent_decode(option.substr(0, eq), "query option name");
    } catch (const UriError&) {
      name = std::string(option.substr(0, eq));
    }
    if (eq != std::string_view::npos && name == "password") {
      out += option.substr(0, eq + 1);
      out += kMask;
    } else {
      out += option;
    }
    if (amp == std::string_view::npos) break;
    options.remove_prefix(amp + 1);
  }
  return out;
}

}  // namespace lingo
