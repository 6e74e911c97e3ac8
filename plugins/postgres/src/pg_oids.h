// The built-in type OIDs Lingo encodes and decodes (pg_type.oid; stable
// across PostgreSQL versions since they are fixed in the catalog).
#pragma once

#include <libpq-fe.h>

namespace lingo::postgres::oid {

inline constexpr Oid unknown = 0;
inline constexpr Oid boolean = 16;
inline constexpr Oid bytea = 17;
inline constexpr Oid character = 18;
inline constexpr Oid name = 19;
inline constexpr Oid int8 = 20;
inline constexpr Oid int2 = 21;
inline constexpr Oid int4 = 23;
inline constexpr Oid text = 25;
inline constexpr Oid oid = 26;
inline constexpr Oid json = 114;
inline constexpr Oid json_array = 199;
inline constexpr Oid float4 = 700;
inline constexpr Oid float8 = 701;
inline constexpr Oid unknown_literal = 705;
inline constexpr Oid bool_array = 1000;
inline constexpr Oid bytea_array = 1001;
inline constexpr Oid int2_array = 1005;
inline constexpr Oid int4_array = 1007;
inline constexpr Oid text_array = 1009;
inline constexpr Oid bpchar_array = 1014;
inline constexpr Oid varchar_array = 1015;
inline constexpr Oid int8_array = 1016;
inline constexpr Oid float4_array = 1021;
inline constexpr Oid float8_array = 1022;
inline constexpr Oid bpchar = 1042;
inline constexpr Oid varchar = 1043;
inline constexpr Oid date = 1082;
inline constexpr Oid time = 1083;
inline constexpr Oid timestamp = 1114;
inline constexpr Oid timestamp_array = 1115;
inline constexpr Oid date_array = 1182;
inline constexpr Oid time_array = 1183;
inline constexpr Oid timestamptz = 1184;
inline constexpr Oid timestamptz_array = 1185;
inline constexpr Oid numeric_array = 1231;
inline constexpr Oid numeric = 1700;
inline constexpr Oid uuid = 2950;
inline constexpr Oid uuid_array = 2951;
inline constexpr Oid jsonb = 3802;
inline constexpr Oid jsonb_array = 3807;

}  // namespace lingo::postgres::oid
