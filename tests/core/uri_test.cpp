// URI parsing: the parts, percent-encoding, IPv6 and multi-host forms, the
// SQLite path convention, password masking, and every malformed shape.
#include "lingo/uri.h"
#include "lingo/database.h"
#include "lingo/errors.h"
#include "test_support.h"

using lingo::Uri;
using lingo::UriError;
using lingo_test::expect_throw;

class UriTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(UriTest);
  CPPUNIT_TEST(testSplitsEveryPart);
  CPPUNIT_TEST(testSchemeIsCaseInsensitiveAndSplitsVariant);
  CPPUNIT_TEST(testPercentEncodingIsDecoded);
  CPPUNIT_TEST(testIpv6HostsInBrackets);
  CPPUNIT_TEST(testSeveralHosts);
  CPPUNIT_TEST(testSqlitePathConvention);
  CPPUNIT_TEST(testPasswordIsMaskedInUserInfoAndOptions);
  CPPUNIT_TEST(testMaskingMalformedText);
  CPPUNIT_TEST(testRebuildDropsOptionsAndSwapsScheme);
  CPPUNIT_TEST(testMissingSchemeIsRefused);
  CPPUNIT_TEST(testBadSchemeCharactersAreRefused);
  CPPUNIT_TEST(testBadPortsAreRefused);
  CPPUNIT_TEST(testBadIpv6IsRefused);
  CPPUNIT_TEST(testBadPercentEncodingIsRefused);
  CPPUNIT_TEST(testErrorsNeverShowThePassword);
  CPPUNIT_TEST(testPasswordsWithSlashesAndEncodedOptionNamesAreMasked);
  CPPUNIT_TEST(testMaskingNeverManglesOtherWords);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testSplitsEveryPart() {
    const auto u =
        Uri::parse("postgresql://alice:s3cret@db.example.com:6432/app?sslmode=disable&application_name=x");
    CPPUNIT_ASSERT_EQUAL(std::string("postgresql"), u.scheme());
    CPPUNIT_ASSERT_EQUAL(std::string("alice"), *u.user());
    CPPUNIT_ASSERT_EQUAL(std::string("s3cret"), *u.password());
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, u.hosts().size());
    CPPUNIT_ASSERT_EQUAL(std::string("db.example.com"), u.hosts()[0].name);
    CPPUNIT_ASSERT_EQUAL(6432u, *u.hosts()[0].port);
    CPPUNIT_ASSERT_EQUAL(std::string("app"), u.path());
    CPPUNIT_ASSERT_EQUAL(std::string("disable"), *u.option("sslmode"));
    CPPUNIT_ASSERT_EQUAL(std::string("x"), *u.option("application_name"));
    CPPUNIT_ASSERT(!u.option("nope").has_value());
  }

  void testSchemeIsCaseInsensitiveAndSplitsVariant() {
    const auto u = Uri::parse("PostgreSQL+Pool://h/db");
    CPPUNIT_ASSERT_EQUAL(std::string("postgresql+pool"), u.scheme());
    CPPUNIT_ASSERT_EQUAL(std::string("postgresql"), u.base_scheme());
    CPPUNIT_ASSERT_EQUAL(std::string("pool"), u.scheme_variant());
    CPPUNIT_ASSERT_EQUAL(std::string(""), Uri::parse("sqlite://").scheme_variant());
  }

  void testPercentEncodingIsDecoded() {
    const auto u = Uri::parse("postgresql://us%40er:p%3A%2Fss@host/my%20db?application_name=a%26b");
    CPPUNIT_ASSERT_EQUAL(std::string("us@er"), *u.user());
    CPPUNIT_ASSERT_EQUAL(std::string("p:/ss"), *u.password());
    CPPUNIT_ASSERT_EQUAL(std::string("my db"), u.path());
    CPPUNIT_ASSERT_EQUAL(std::string("a&b"), *u.option("application_name"));
  }

  void testIpv6HostsInBrackets() {
    const auto u = Uri::parse("postgresql://[::1]:5433/db");
    CPPUNIT_ASSERT_EQUAL(std::string("::1"), u.hosts()[0].name);
    CPPUNIT_ASSERT_EQUAL(5433u, *u.hosts()[0].port);
    const auto v = Uri::parse("postgresql://[fe80::1]/db");
    CPPUNIT_ASSERT_EQUAL(std::string("fe80::1"), v.hosts()[0].name);
    CPPUNIT_ASSERT(!v.hosts()[0].port.has_value());
  }

  void testSeveralHosts() {
    const auto u = Uri::parse("postgresql://h1:5432,[::1]:5433,h3/db?target_session_attrs=read-write");
    CPPUNIT_ASSERT_EQUAL(std::size_t{3}, u.hosts().size());
    CPPUNIT_ASSERT_EQUAL(std::string("h1"), u.hosts()[0].name);
    CPPUNIT_ASSERT_EQUAL(std::string("::1"), u.hosts()[1].name);
    CPPUNIT_ASSERT_EQUAL(5433u, *u.hosts()[1].port);
    CPPUNIT_ASSERT_EQUAL(std::string("h3"), u.hosts()[2].name);
  }

  void testSqlitePathConvention() {
    CPPUNIT_ASSERT(!Uri::parse("sqlite://").has_path());
    CPPUNIT_ASSERT_EQUAL(std::string(":memory:"), Uri::parse("sqlite:///:memory:").path());
    CPPUNIT_ASSERT_EQUAL(std::string("app.db"), Uri::parse("sqlite:///app.db").path());
    CPPUNIT_ASSERT_EQUAL(std::string("/tmp/app.db"), Uri::parse("sqlite:////tmp/app.db").path());
    CPPUNIT_ASSERT(Uri::parse("sqlite:///app.db").hosts().empty());
  }

  void testPasswordIsMaskedInUserInfoAndOptions() {
    const auto u = Uri::parse("postgresql://alice:s3cret@h/db?password=other&sslmode=require");
    const std::string m = u.masked();
    CPPUNIT_ASSERT_EQUAL(std::string("postgresql://alice:****@h/db?password=****&sslmode=require"), m);
    CPPUNIT_ASSERT_EQUAL(std::string("postgresql://alice@h/db"),
                         Uri::parse("postgresql://alice@h/db").masked());
  }

  void testMaskingMalformedText() {
    const std::string m = lingo::mask_uri("postgresql://bob:hunter2@h:notaport/db");
    CPPUNIT_ASSERT(m.find("hunter2") == std::string::npos);
    LINGO_ASSERT_CONTAINS(m, "bob:****@");
  }

  void testRebuildDropsOptionsAndSwapsScheme() {
    const auto u = Uri::parse("cockroachdb://root:pw@h:26257/db?max_attempts=5&sslmode=disable");
    CPPUNIT_ASSERT_EQUAL(std::string("postgresql://root:pw@h:26257/db?sslmode=disable"),
                         u.rebuild("postgresql", {"max_attempts"}));
  }

  void testMissingSchemeIsRefused() {
    auto e = expect_throw<UriError>([] { (void)Uri::parse("localhost:5432/db"); }, "no scheme");
    LINGO_ASSERT_CONTAINS(e.what(), "expected scheme://");
    e = expect_throw<UriError>([] { (void)Uri::parse("://host/db"); }, "empty scheme");
    LINGO_ASSERT_CONTAINS(e.what(), "scheme before '://' is empty");
  }

  void testBadSchemeCharactersAreRefused() {
    auto e = expect_throw<UriError>([] { (void)Uri::parse("post gres://h/db"); }, "space in scheme");
    LINGO_ASSERT_CONTAINS(e.what(), "must start with a letter");
    expect_throw<UriError>([] { (void)Uri::parse("9db://h/db"); }, "digit first");
  }

  void testBadPortsAreRefused() {
    auto e = expect_throw<UriError>([] { (void)Uri::parse("postgresql://h:99999/db"); }, "port too big");
    LINGO_ASSERT_CONTAINS(e.what(), "out of range");
    e = expect_throw<UriError>([] { (void)Uri::parse("postgresql://h:5x/db"); }, "port not a number");
    LINGO_ASSERT_CONTAINS(e.what(), "the port after the host is not a number");
    expect_throw<UriError>([] { (void)Uri::parse("postgresql://h:/db"); }, "empty port");
    expect_throw<UriError>([] { (void)Uri::parse("postgresql://h:0/db"); }, "port zero");
  }

  void testBadIpv6IsRefused() {
    auto e = expect_throw<UriError>([] { (void)Uri::parse("postgresql://[::1/db"); }, "unclosed bracket");
    LINGO_ASSERT_CONTAINS(e.what(), "closing ']'");
    e = expect_throw<UriError>([] { (void)Uri::parse("postgresql://::1/db"); }, "bare IPv6");
    LINGO_ASSERT_CONTAINS(e.what(), "in brackets");
    expect_throw<UriError>([] { (void)Uri::parse("postgresql://h1,,h2/db"); }, "empty host in list");
  }

  void testBadPercentEncodingIsRefused() {
    auto e = expect_throw<UriError>([] { (void)Uri::parse("postgresql://u:p%zz@h/db"); }, "bad escape");
    LINGO_ASSERT_CONTAINS(e.what(), "percent-encoding");
    expect_throw<UriError>([] { (void)Uri::parse("postgresql://h/db%2"); }, "truncated escape");
  }

  void testErrorsNeverShowThePassword() {
    auto e =
        expect_throw<UriError>([] { (void)Uri::parse("postgresql://u:topsecret@h:70000/db"); }, "bad port");
    CPPUNIT_ASSERT(std::string(e.what()).find("topsecret") == std::string::npos);
    LINGO_ASSERT_CONTAINS(e.what(), "u:****@h:70000");
  }

  void testPasswordsWithSlashesAndEncodedOptionNamesAreMasked() {
    // An unencoded '/' in the password used to split the authority there,
    // and the password's first half came back as a "port".
    auto e = expect_throw<UriError>(
        [] { (void)Uri::parse("postgresql://bench:Mk8a/b@127.0.0.1:5432/bench"); }, "slash in the password");
    CPPUNIT_ASSERT_MESSAGE(e.what(), std::string(e.what()).find("Mk8a") == std::string::npos);
    LINGO_ASSERT_CONTAINS(e.what(), "percent-encode");
    LINGO_ASSERT_CONTAINS(e.what(), "bench:****@127.0.0.1:5432/bench");
    e = expect_throw<UriError>([] { (void)Uri::parse("postgresql://bench:se?cret@h/db"); },
                               "? in the password");
    CPPUNIT_ASSERT_MESSAGE(e.what(), std::string(e.what()).find("cret") == std::string::npos);
    // user:secret with no '@' reads as host:port; the "port" is not quoted.
    e = expect_throw<UriError>([] { (void)Uri::parse("postgresql://user:secret/db"); }, "no @");
    CPPUNIT_ASSERT_MESSAGE(e.what(), std::string(e.what()).find("secret") == std::string::npos);
    // An option named password, however it is encoded.
    for (const char* text :
         {"postgresql://h/db?pass%77ord=hunter2", "postgresql://h/db?sslmode=x&password=hunter2",
          "postgresql://h/db?%70assword=hunter2&x=1"}) {
      const std::string m = lingo::mask_uri(text);
      CPPUNIT_ASSERT_MESSAGE(m, m.find("hunter2") == std::string::npos);
      CPPUNIT_ASSERT_MESSAGE(m, Uri::parse(text).masked().find("hunter2") == std::string::npos);
    }
    CPPUNIT_ASSERT(lingo::mask_uri("host=h password=hunter2 dbname=x").find("hunter2") == std::string::npos);
  }

  void testMaskingNeverManglesOtherWords() {
    // Masking used to replace the password wherever it appeared in a
    // message: with password "e", "conn****ction to s****rv****r".
    auto e = expect_throw<lingo::Error>(
        [] { (void)lingo::connect("postgresql://bench:e@127.0.0.1:1/benchx?connect_timeout=2"); }, "refused");
    const std::string message = e.what();
    LINGO_ASSERT_CONTAINS(message, "connection to server");
    LINGO_ASSERT_CONTAINS(message, "bench:****@127.0.0.1:1/benchx");
    CPPUNIT_ASSERT_MESSAGE(message, message.find("conn****") == std::string::npos);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(UriTest);
