/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfsblkctl: parsing and printing of sizes in bytes.
 */
#ifndef VFSBLKCTL_SIZE_H
#define VFSBLKCTL_SIZE_H

#include <stddef.h>
#include <stdint.h>

/* Results of parse_size(); SIZE_OK is 0, the others describe the error. */
enum size_err {
	SIZE_OK = 0,
	SIZE_EMPTY,		/* "" */
	SIZE_NEGATIVE,		/* "-1" */
	SIZE_FRACTION,		/* "1.5G" */
	SIZE_NO_DIGITS,		/* "G", "+1", " 1" */
	SIZE_SUFFIX,		/* "1X", "1KB", "1Kib" */
	SIZE_OVERFLOW,		/* more than UINT64_MAX bytes */
	SIZE_ZERO,		/* "0", "0M" */
};

/*
 * parse_size() - parse a size in bytes.
 * @str: decimal digits, optionally followed by one of the suffixes
 *	K, M, G, T (also k, m, g, t) or KiB, MiB, GiB, TiB: powers of 1024.
 *	Nothing else is accepted: no sign, no blanks, no fraction, no
 *	decimal (KB) units.
 * @bytes: set to the size when SIZE_OK is returned; untouched otherwise.
 *
 * Returns SIZE_OK or the reason the string was refused.
 */
enum size_err parse_size(const char *str, uint64_t *bytes);

/*
 * parse_size_or_zero() - parse_size() that also accepts 0 (an offset, or
 * a size limit meaning none).
 */
enum size_err parse_size_or_zero(const char *str, uint64_t *bytes);

/* size_strerror() - a short English reason for a parse_size() error. */
const char *size_strerror(enum size_err err);

/*
 * size_to_human() - format @bytes like lsblk and losetup do: "512B", "1K",
 * "1.5G", "16E", with one rounded decimal where it is not zero.
 * Returns @buf.
 */
char *size_to_human(uint64_t bytes, char *buf, size_t len);

/* Room that size_to_human() needs at most, NUL included. */
#define SIZE_HUMAN_LEN	32

#endif /* VFSBLKCTL_SIZE_H */
