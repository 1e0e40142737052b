// SPDX-License-Identifier: GPL-2.0
/*
 * vfsblkctl: parsing and printing of sizes in bytes.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "size.h"

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Binary shift of a unit letter, or -1 if @c is not one. */
static int unit_shift(char c)
{
	switch (c) {
	case 'K': case 'k': return 10;
	case 'M': case 'm': return 20;
	case 'G': case 'g': return 30;
	case 'T': case 't': return 40;
	default: return -1;
	}
}

static enum size_err parse(const char *str, uint64_t *bytes, bool zero_ok)
{
	const char *p = str;
	uint64_t value = 0;
	int shift = 0;

	if (!str || !*str)
		return SIZE_EMPTY;
	if (*p == '-')
		return SIZE_NEGATIVE;

	for (; is_digit(*p); p++) {
		unsigned int d = (unsigned int)(*p - '0');

		if (value > (UINT64_MAX - d) / 10)
			return SIZE_OVERFLOW;
		value = value * 10 + d;
	}

	if ((*p == '.' || *p == ',') && (p > str || is_digit(p[1])))
		return SIZE_FRACTION;
	if (p == str)
		return SIZE_NO_DIGITS;

	if (*p) {
		shift = unit_shift(*p);
		if (shift < 0)
			return SIZE_SUFFIX;
		p++;
		if (*p && strcmp(p, "iB") != 0)
			return SIZE_SUFFIX;
	}

	if (value > (UINT64_MAX >> shift))
		return SIZE_OVERFLOW;
	value <<= shift;
	if (value == 0 && !zero_ok)
		return SIZE_ZERO;

	*bytes = value;
	return SIZE_OK;
}

enum size_err parse_size(const char *str, uint64_t *bytes)
{
	return parse(str, bytes, false);
}

enum size_err parse_size_or_zero(const char *str, uint64_t *bytes)
{
	return parse(str, bytes, true);
}

const char *size_strerror(enum size_err err)
{
	switch (err) {
	case SIZE_OK:
		return "no error";
	case SIZE_EMPTY:
		return "empty size";
	case SIZE_NEGATIVE:
		return "size cannot be negative";
	case SIZE_FRACTION:
		return "fractional sizes are not supported, use a smaller unit";
	case SIZE_NO_DIGITS:
		return "not a number";
	case SIZE_SUFFIX:
		return "unknown suffix, use K, M, G, T or KiB, MiB, GiB, TiB";
	case SIZE_OVERFLOW:
		return "size too large (more than 64 bits)";
	case SIZE_ZERO:
		return "size must be greater than zero";
	}
	return "invalid size";
}

char *size_to_human(uint64_t bytes, char *buf, size_t len)
{
	static const char units[] = "BKMGTPE";
	uint64_t dec, frac = 0;
	int exp = 0;

	while (exp < 60 && bytes >= (UINT64_C(1) << (exp + 10)))
		exp += 10;

	dec = bytes >> exp;
	if (exp) {
		frac = bytes & ((UINT64_C(1) << exp) - 1);
		/* One decimal, rounded: frac in units of 1/1024 of the unit. */
		frac = ((frac >> (exp - 10)) * 10 + 512) / 1024;
		if (frac == 10) {
			dec++;
			frac = 0;
		}
	}

	if (frac)
		snprintf(buf, len, "%" PRIu64 ".%" PRIu64 "%c", dec, frac,
			 units[exp / 10]);
	else
		snprintf(buf, len, "%" PRIu64 "%c", dec, units[exp / 10]);
	return buf;
}
