// Conversions between Poco's date, time and UUID types and Lingo's (private).
//
// Poco to Lingo always fits: Poco's ranges (years 0-9999, microseconds) lie
// inside Lingo's. Lingo to Poco may not: a year Poco cannot hold, a time of
// day with microseconds into Poco::Data::Time (whole seconds only), 24:00:00.
// Those throw Poco::Data::ExtractException naming the value and what to
// extract into instead; nothing is ever rounded or clipped.
#pragma once

#include <Poco/Data/Date.h>
#include <Poco/Data/Time.h>
#include <Poco/DateTime.h>
#include <Poco/UUID.h>

#include "lingo/value.h"

namespace lingo::poco::detail {

[[nodiscard]] lingo::Date to_lingo(const Poco::Data::Date& date);
[[nodiscard]] lingo::Time to_lingo(const Poco::Data::Time& time);
[[nodiscard]] lingo::Timestamp to_lingo(const Poco::DateTime& date_time);
[[nodiscard]] lingo::Uuid to_lingo(const Poco::UUID& uuid);

[[nodiscard]] Poco::Data::Date to_poco(lingo::Date date);
[[nodiscard]] Poco::Data::Time to_poco(lingo::Time time);
[[nodiscard]] Poco::DateTime to_poco(lingo::Timestamp timestamp);
// An instant, as its UTC date and time.
[[nodiscard]] Poco::DateTime to_poco(lingo::TimestampTz instant);
[[nodiscard]] Poco::UUID to_poco(const lingo::Uuid& uuid);

}  // namespace lingo::poco::detail
