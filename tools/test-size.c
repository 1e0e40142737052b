// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of size.c: parse_size() and size_to_human().
 */
#include <inttypes.h>
#include <string.h>

#include "size.h"
#include "test.h"

static void ok(const char *str, uint64_t want)
{
	uint64_t got = 0;
	enum size_err err = parse_size(str, &got);

	CHECK(err == SIZE_OK && got == want,
	      "parse_size(\"%s\") = %d, %" PRIu64 "; want 0, %" PRIu64,
	      str, err, got, want);
}

static void bad(const char *str, enum size_err want)
{
	uint64_t got = 12345;
	enum size_err err = parse_size(str, &got);

	CHECK(err == want && got == 12345,
	      "parse_size(\"%s\") = %d (%s); want %d (%s), value untouched",
	      str ? str : "(null)", err, size_strerror(err), want, size_strerror(want));
}

static void human(uint64_t bytes, const char *want)
{
	char buf[SIZE_HUMAN_LEN];

	size_to_human(bytes, buf, sizeof(buf));
	CHECK(strcmp(buf, want) == 0, "size_to_human(%" PRIu64 ") = \"%s\"; want \"%s\"",
	      bytes, buf, want);
}

int main(void)
{
	/* Plain bytes. */
	ok("1", 1);
	ok("512", 512);
	ok("007", 7);
	ok("18446744073709551615", UINT64_MAX);

	/* Binary suffixes, both spellings and letter cases. */
	ok("1K", 1024);
	ok("1k", 1024);
	ok("1KiB", 1024);
	ok("1kiB", 1024);
	ok("4M", 4ULL << 20);
	ok("4MiB", 4ULL << 20);
	ok("1G", 1ULL << 30);
	ok("3GiB", 3ULL << 30);
	ok("2T", 2ULL << 40);
	ok("2TiB", 2ULL << 40);
	ok("16777215T", 16777215ULL << 40);
	ok("17179869183G", 17179869183ULL << 30);

	/* Refused. */
	bad(NULL, SIZE_EMPTY);
	bad("", SIZE_EMPTY);
	bad("-1", SIZE_NEGATIVE);
	bad("-0", SIZE_NEGATIVE);
	bad("-1G", SIZE_NEGATIVE);
	bad("1.5G", SIZE_FRACTION);
	bad("1.0", SIZE_FRACTION);
	bad("1.", SIZE_FRACTION);
	bad(".5M", SIZE_FRACTION);
	bad("1,5G", SIZE_FRACTION);
	bad("G", SIZE_NO_DIGITS);
	bad("abc", SIZE_NO_DIGITS);
	bad("+1", SIZE_NO_DIGITS);
	bad(" 1", SIZE_NO_DIGITS);
	bad(".", SIZE_NO_DIGITS);
	bad("0x10", SIZE_SUFFIX);
	bad("1 ", SIZE_SUFFIX);
	bad("1 G", SIZE_SUFFIX);
	bad("1X", SIZE_SUFFIX);
	bad("1B", SIZE_SUFFIX);
	bad("1KB", SIZE_SUFFIX);
	bad("1Kib", SIZE_SUFFIX);
	bad("1KIB", SIZE_SUFFIX);
	bad("1KiBx", SIZE_SUFFIX);
	bad("1P", SIZE_SUFFIX);
	bad("1GG", SIZE_SUFFIX);
	bad("1e9", SIZE_SUFFIX);
	bad("12abc", SIZE_SUFFIX);
	bad("18446744073709551616", SIZE_OVERFLOW);
	bad("99999999999999999999999", SIZE_OVERFLOW);
	bad("16777216T", SIZE_OVERFLOW);
	bad("17179869184G", SIZE_OVERFLOW);
	bad("0", SIZE_ZERO);
	bad("00", SIZE_ZERO);
	bad("0K", SIZE_ZERO);
	bad("0GiB", SIZE_ZERO);

	/* Offsets and size limits: 0 is a value, the rest as parse_size(). */
	{
		uint64_t v = 7;

		CHECK(parse_size_or_zero("0", &v) == SIZE_OK && v == 0, "\"0\" or zero");
		CHECK(parse_size_or_zero("0K", &v) == SIZE_OK && v == 0, "\"0K\" or zero");
		CHECK(parse_size_or_zero("2MiB", &v) == SIZE_OK && v == 2ULL << 20,
		      "\"2MiB\" or zero");
		v = 7;
		CHECK(parse_size_or_zero("-0", &v) == SIZE_NEGATIVE && v == 7, "\"-0\" or zero");
		CHECK(parse_size_or_zero("1.5K", &v) == SIZE_FRACTION && v == 7,
		      "\"1.5K\" or zero");
		CHECK(parse_size_or_zero("16777216T", &v) == SIZE_OVERFLOW && v == 7,
		      "\"16777216T\" or zero");
		CHECK(parse_size_or_zero("", &v) == SIZE_EMPTY && v == 7, "\"\" or zero");
	}

	/* Every error has its own words. */
	for (int e = SIZE_EMPTY; e <= SIZE_ZERO; e++)
		CHECK(strcmp(size_strerror(e), "invalid size") != 0,
		      "size_strerror(%d) is generic", e);

	/* Human form, as lsblk prints it. */
	human(0, "0B");
	human(1, "1B");
	human(511, "511B");
	human(1023, "1023B");
	human(1024, "1K");
	human(1536, "1.5K");
	human(1ULL << 20, "1M");
	human(100ULL << 20, "100M");
	human((1ULL << 30) + (1ULL << 29), "1.5G");
	human((1ULL << 30) - 1, "1024M");	/* 1023.999M rounds up */
	human(1ULL << 40, "1T");
	human(1ULL << 50, "1P");
	human(1ULL << 60, "1E");
	human(UINT64_MAX, "16E");
	human(1126ULL << 20, "1.1G");

	return test_summary("test-size");
}
