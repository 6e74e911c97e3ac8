// The PostgreSQL wire protocol (version 3), as much of it as a proxy needs:
// framing, and the messages the simulator writes itself.
#pragma once

#include <Poco/Net/StreamSocket.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace crdb_sim {

struct Message {
  char type = 0;     // 0 for the untyped startup-phase messages
  std::string body;  // without the type byte and the length
};

// Reads one typed message; nullopt when the peer closed the connection.
std::optional<Message> read_message(Poco::Net::StreamSocket& socket);
// Reads a startup-phase message (length first, no type byte).
std::optional<Message> read_startup(Poco::Net::StreamSocket& socket);
void write_message(Poco::Net::StreamSocket& socket, const Message& message);
void write_raw(Poco::Net::StreamSocket& socket, std::string_view bytes);

// Big-endian integers in and out of message bodies.
void put_int32(std::string& out, std::int32_t v);
void put_int16(std::string& out, std::int16_t v);
std::int32_t get_int32(std::string_view body, std::size_t at);
std::int16_t get_int16(std::string_view body, std::size_t at);
// A NUL-terminated string at `at`; moves `at` past it.
std::string get_cstring(std::string_view body, std::size_t& at);

// Messages the simulator answers with.
Message error_response(std::string_view sqlstate, std::string_view message, std::string_view hint = {});
// An error that ends the session (severity FATAL).
Message fatal_response(std::string_view sqlstate, std::string_view message);
Message command_complete(std::string_view tag);
Message ready_for_query(char status);
Message parameter_status(std::string_view name, std::string_view value);
// One text column: RowDescription, the DataRows, CommandComplete "SHOW".
std::vector<Message> single_column(std::string_view column, const std::vector<std::string>& rows,
                                   std::string_view tag = "SHOW");

// The fields of an ErrorResponse ('C' SQLSTATE, 'M' message, ...).
struct ErrorFields {
  std::string sqlstate;
  std::string message;
};
ErrorFields parse_error(const Message& error);

}  // namespace crdb_sim
