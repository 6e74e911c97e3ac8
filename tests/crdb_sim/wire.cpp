#include "wire.h"

#include <arpa/inet.h>

#include <cstring>
#include <stdexcept>

namespace crdb_sim {
namespace {

bool read_exact(Poco::Net::StreamSocket& socket, char* into, std::size_t n) {
  std::size_t done = 0;
  while (done < n) {
    const int got = socket.receiveBytes(into + done, static_cast<int>(n - done));
    if (got <= 0) return false;
    done += static_cast<std::size_t>(got);
  }
  return true;
}

std::optional<std::string> read_body(Poco::Net::StreamSocket& socket) {
  char length_bytes[4];
  if (!read_exact(socket, length_bytes, 4)) return std::nullopt;
  const std::int32_t length = get_int32(std::string_view(length_bytes, 4), 0);
  if (length < 4 || length > (1 << 30)) throw std::runtime_error("malformed message length");
  std::string body(static_cast<std::size_t>(length - 4), '\0');
  if (!body.empty() && !read_exact(socket, body.data(), body.size())) return std::nullopt;
  return body;
}

}  // namespace

std::optional<Message> read_message(Poco::Net::StreamSocket& socket) {
  char type = 0;
  if (!read_exact(socket, &type, 1)) return std::nullopt;
  auto body = read_body(socket);
  if (!body) return std::nullopt;
  return Message{type, std::move(*body)};
}

std::optional<Message> read_startup(Poco::Net::StreamSocket& socket) {
  auto body = read_body(socket);
  if (!body) return std::nullopt;
  return Message{0, std::move(*body)};
}

void write_raw(Poco::Net::StreamSocket& socket, std::string_view bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const int sent = socket.sendBytes(bytes.data() + done, static_cast<int>(bytes.size() - done));
    if (sent <= 0) throw std::runtime_error("connection closed while sending");
    done += static_cast<std::size_t>(sent);
  }
}

void write_message(Poco::Net::StreamSocket& socket, const Message& message) {
  std::string out;
  out.reserve(message.body.size() + 5);
  if (message.type != 0) out += message.type;
  put_int32(out, static_cast<std::int32_t>(message.body.size() + 4));
  out += message.body;
  write_raw(socket, out);
}

void put_int32(std::string& out, std::int32_t v) {
  const std::uint32_t n = htonl(static_cast<std::uint32_t>(v));
  out.append(reinterpret_cast<const char*>(&n), 4);  // NOLINT(cppcoreguidelines-pro-type-reinterpret-cast)
}

void put_int16(std::string& out, std::int16_t v) {
  const std::uint16_t n = htons(static_cast<std::uint16_t>(v));
  out.append(reinterpret_cast<const char*>(&n), 2);  // NOLINT(cppcoreguidelines-pro-type-reinterpret-cast)
}

std::int32_t get_int32(std::string_view body, std::size_t at) {
  std::uint32_t n = 0;
  std::memcpy(&n, body.data() + at, 4);
  return static_cast<std::int32_t>(ntohl(n));
}

std::int16_t get_int16(std::string_view body, std::size_t at) {
  std::uint16_t n = 0;
  std::memcpy(&n, body.data() + at, 2);
  return static_cast<std::int16_t>(ntohs(n));
}

std::string get_cstring(std::string_view body, std::size_t& at) {
  const std::size_t end = body.find('\0', at);
  if (end == std::string_view::npos) throw std::runtime_error("unterminated string in a message");
  std::string out(body.substr(at, end - at));
  at = end + 1;
  return out;
}

namespace {

Message error_with_severity(std::string_view severity, std::string_view sqlstate, std::string_view message,
                            std::string_view hint) {
  Message m{'E', {}};
  auto field = [&](char code, std::string_view value) {
    m.body += code;
    m.body += value;
    m.body += '\0';
  };
  field('S', severity);
  field('V', severity);
  field('C', sqlstate);
  field('M', message);
  if (!hint.empty()) field('H', hint);
  m.body += '\0';
  return m;
}

}  // namespace

Message error_response(std::string_view sqlstate, std::string_view message, std::string_view hint) {
  return error_with_severity("ERROR", sqlstate, message, hint);
}

Message fatal_response(std::string_view sqlstate, std::string_view message) {
  return error_with_severity("FATAL", sqlstate, message, {});
}

Message command_complete(std::string_view tag) {
  Message m{'C', std::string(tag)};
  m.body += '\0';
  return m;
}

Message ready_for_query(char status) {
  return Message{'Z', std::string(1, status)};
}

Message parameter_status(std::string_view name, std::string_view value) {
  Message m{'S', {}};
  m.body += name;
  m.body += '\0';
  m.body += value;
  m.body += '\0';
  return m;
}

std::vector<Message> single_column(std::string_view column, const std::vector<std::string>& rows,
                                   std::string_view tag) {
  std::vector<Message> out;
  Message description{'T', {}};
  put_int16(description.body, 1);
  description.body += column;
  description.body += '\0';
  put_int32(description.body, 0);   // table oid
  put_int16(description.body, 0);   // column number
  put_int32(description.body, 25);  // text
  put_int16(description.body, -1);
  put_int32(description.body, -1);
  put_int16(description.body, 0);  // text format
  out.push_back(std::move(description));
  for (const auto& value : rows) {
    Message row{'D', {}};
    put_int16(row.body, 1);
    put_int32(row.body, static_cast<std::int32_t>(value.size()));
    row.body += value;
    out.push_back(std::move(row));
  }
  out.push_back(command_complete(std::string(tag) == "SELECT" ? "SELECT " + std::to_string(rows.size())
                                                              : std::string(tag)));
  return out;
}

ErrorFields parse_error(const Message& error) {
  ErrorFields fields;
  std::size_t at = 0;
  while (at < error.body.size() && error.body[at] != '\0') {
    const char code = error.body[at++];
    std::string value = get_cstring(error.body, at);
    if (code == 'C') fields.sqlstate = std::move(value);
    if (code == 'M') fields.message = std::move(value);
  }
  return fields;
}

}  // namespace crdb_sim
