#include "conversions.h"

#include <Poco/Data/DataException.h>

#include <chrono>

namespace lingo::poco::detail {

namespace chrono = std::chrono;

namespace {

// Poco::DateTime and Poco::Data::Date hold the years 0 to 9999.
void check_year(const chrono::year_month_day& ymd, const lingo::Value& value, const char* target) {
  if (static_cast<int>(ymd.year()) < 0 || static_cast<int>(ymd.year()) > 9999) {
    throw Poco::Data::ExtractException(value.to_string() + " does not fit " + target +
                                       ", which holds the years 0 to 9999; extract it as std::string");
  }
}

}  // namespace

lingo::Date to_lingo(const Poco::Data::Date& date) {
  const chrono::year_month_day ymd{chrono::year(date.year()),
                                   chrono::month(static_cast<unsigned>(date.month())),
                                   chrono::day(static_cast<unsigned>(date.day()))};
  return lingo::Date{chrono::sys_days(ymd)};
}

lingo::Time to_lingo(const Poco::Data::Time& time) {
  return lingo::Time{chrono::hours(time.hour()) + chrono::minutes(time.minute()) +
                     chrono::seconds(time.second())};
}

lingo::Timestamp to_lingo(const Poco::DateTime& date_time) {
  const chrono::year_month_day ymd{chrono::year(date_time.year()),
                                   chrono::month(static_cast<unsigned>(date_time.month())),
                                   chrono::day(static_cast<unsigned>(date_time.day()))};
  const auto since_midnight = chrono::hours(date_time.hour()) + chrono::minutes(date_time.minute()) +
                              chrono::seconds(date_time.second()) +
                              chrono::milliseconds(date_time.millisecond()) +
                              chrono::microseconds(date_time.microsecond());
  return lingo::Timestamp{chrono::local_days(ymd) + since_midnight};
}

lingo::Uuid to_lingo(const Poco::UUID& uuid) {
  lingo::Uuid out;
  uuid.copyTo(
      reinterpret_cast<char*>(out.bytes.data()));  // NOLINT(cppcoreguidelines-pro-type-reinterpret-cast)
  return out;
}

Poco::Data::Date to_poco(lingo::Date date) {
  const chrono::year_month_day ymd(date.days);
  check_year(ymd, date, "Poco::Data::Date");
  return {static_cast<int>(ymd.year()), static_cast<int>(static_cast<unsigned>(ymd.month())),
          static_cast<int>(static_cast<unsigned>(ymd.day()))};
}

Poco::Data::Time to_poco(lingo::Time time) {
  const auto us = time.since_midnight;
  if (us % chrono::seconds(1) != chrono::microseconds(0) || us >= chrono::hours(24) || us.count() < 0) {
    throw Poco::Data::ExtractException(
        lingo::Value(time).to_string() +
        " does not fit Poco::Data::Time, which holds whole seconds from 00:00:00 to 23:59:59; extract it "
        "as std::string to keep it exactly");
  }
  const chrono::hh_mm_ss<chrono::microseconds> parts(us);
  return {static_cast<int>(parts.hours().count()), static_cast<int>(parts.minutes().count()),
          static_cast<int>(parts.seconds().count())};
}

Poco::DateTime to_poco(lingo::Timestamp timestamp) {
  const auto day = chrono::floor<chrono::days>(timestamp.value);
  const chrono::year_month_day ymd{chrono::local_days(day)};
  check_year(ymd, timestamp, "Poco::DateTime");
  const chrono::hh_mm_ss<chrono::microseconds> parts(timestamp.value - day);
  const auto micros = parts.subseconds().count();
  return {static_cast<int>(ymd.year()),
          static_cast<int>(static_cast<unsigned>(ymd.month())),
          static_cast<int>(static_cast<unsigned>(ymd.day())),
          static_cast<int>(parts.hours().count()),
          static_cast<int>(parts.minutes().count()),
          static_cast<int>(parts.seconds().count()),
          static_cast<int>(micros / 1000),
          static_cast<int>(micros % 1000)};
}

Poco::DateTime to_poco(lingo::TimestampTz instant) {
  // The same wall-clock reading, taken in UTC.
  return to_poco(
      lingo::Timestamp{chrono::local_time<chrono::microseconds>(instant.value.time_since_epoch())});
}

Poco::UUID to_poco(const lingo::Uuid& uuid) {
  Poco::UUID out;
  out.copyFrom(reinterpret_cast<const char*>(
      uuid.bytes.data()));  // NOLINT(cppcoreguidelines-pro-type-reinterpret-cast)
  return out;
}

}  // namespace lingo::poco::detail
