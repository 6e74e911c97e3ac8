#include "acme_dialect.h"

#include <cctype>

#include "acme_compiler.h"

namespace acme {
namespace {

// A host as libpq's URI parser reads it back: IPv6 in brackets, anything that
// is not plainly safe percent-encoded (a Unix socket folder such as
// /var/run/acmedb becomes %2Fvar%2Frun%2Facmedb; libpq decodes it).
std::string host_text(const lingo::UriHost& host) {
  const bool ipv6 = host.name.find(':') != std::string::npos;
  std::string out = ipv6 ? "[" : "";
  for (const char c : host.name) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' || c == '~' ||
        (ipv6 && c == ':')) {
      out += c;
    } else {
      constexpr char kHex[] = "0123456789ABCDEF";
      const auto byte = static_cast<unsigned char>(c);
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0xF];
    }
  }
  if (ipv6) out += ']';
  return out;
}

}  // namespace

const lingo::Compiler& AcmeDialect::compiler() const {
  // A Compiler holds no per-query state: one object serves every thread.
  static const AcmeCompiler instance;
  return instance;
}

std::string AcmeDialect::libpq_uri(const lingo::Uri& uri) const {
  // Uri::rebuild keeps the user info, path and options exactly as written
  // (percent-encoding included) and swaps the scheme; only the host list is
  // rewritten here, from the parsed hosts.
  std::string out = uri.rebuild("postgresql");
  if (uri.option("port")) return out;  // libpq applies it to every host without a port
  if (uri.hosts().empty()) {
    // No host: libpq's default (a Unix socket, or a host=... option) on our port.
    out += out.find('?') == std::string::npos ? "?" : "&";
    out += "port=" + std::to_string(kDefaultPort);
    return out;
  }

  std::string hosts;
  for (const auto& host : uri.hosts()) {
    if (!hosts.empty()) hosts += ',';
    hosts += host_text(host) + ":" + std::to_string(host.port.value_or(kDefaultPort));
  }
  // The authority ends at the first '/' or '?', as lingo::Uri splits it; the
  // user info, if any, ends at its last '@'.
  const std::size_t start = out.find("://") + 3;
  const std::size_t end = out.find_first_of("/?", start);
  const std::string_view authority = std::string_view(out).substr(start, end - start);
  const std::size_t at = authority.rfind('@');
  const std::size_t hosts_start = at == std::string_view::npos ? start : start + at + 1;
  out.replace(hosts_start, start + authority.size() - hosts_start, hosts);
  return out;
}

}  // namespace acme
