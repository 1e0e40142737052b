/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfsblkctl: the attributes of a device as output columns of list and
 * info, and the parsing of -o/--output column lists.
 *
 * Pure data and formatting, with no system calls, so that the unit tests
 * can link it alone; vfsblkctl.c prints through libsmartcols.
 */
#ifndef VFSBLKCTL_COLS_H
#define VFSBLKCTL_COLS_H

#include <stdbool.h>
#include <stddef.h>

#include <linux/vfsblk.h>

enum col_id {
	COL_NAME,
	COL_INDEX,
	COL_LABEL,
	COL_STATE,
	COL_OPEN,
	COL_SIZE,
	COL_OFFSET,
	COL_SIZELIMIT,
	COL_LOG_SEC,
	COL_RO,
	COL_FILE_RO,
	COL_AUTOCLEAR,
	COL_PARTSCAN,
	COL_OWNED,
	COL_DIO,
	COL_DIO_REQUEST,
	COL_DIO_REASON,
	COL_DIO_ALIGN,
	COL_DISCARD,
	COL_WCACHE,
	COL_QUEUES,
	COL_QUEUE_DEPTH,
	COL_FLAGS,
	COL_MAJMIN,
	COL_BACK_FILE,
	COL_BACK_SIZE,
	COL_BACK_INO,
	COL_BACK_MAJMIN,
	COL_COUNT
};

/* How a column's value reads: as text, and as a JSON value. */
enum col_type {
	COLT_STRING,
	COLT_NUMBER,
	COLT_BOOL,	/* "1" or "0": JSON true or false, "yes"/"no" in info */
	COLT_SIZE,	/* bytes: human form in tables unless --bytes */
};

/*
 * struct colinfo - one attribute of a device, as a column.
 * @name: header, and (lower-cased) the key of info and of JSON.
 * @whint: width hint for libsmartcols.
 * @right: right-aligned.
 * @type: enum col_type.
 * @help: what it is.
 */
struct colinfo {
	const char *name;
	double whint;
	bool right;
	enum col_type type;
	const char *help;
};

extern const struct colinfo colinfos[COL_COUNT];

/* The columns of list by default, and of losetup's -l. */
extern const int list_default_cols[];
extern const size_t list_default_ncols;
extern const int losetup_default_cols[];
extern const size_t losetup_default_ncols;

/* Room for a column list; a column may be listed more than once. */
#define COLS_MAX	64

/*
 * cols_parse() - parse a -o/--output list: column names, comma-separated,
 * in any letter case; a list starting with '+' adds to @defaults.
 * On success returns 0 and fills @cols and *@ncols; else -1 with a
 * one-line reason in @err.
 */
int cols_parse(const char *spec, const int *defaults, size_t ndefaults,
	       int *cols, size_t *ncols, char *err, size_t errlen);

/*
 * struct devattrs - what is known of one device.
 * @info: what INFO said.
 * @path: the backing file's path (malloc'ed), or NULL.
 * @majmin: the device's own "major:minor", or "".
 */
struct devattrs {
	struct vfsblk_info info;
	char *path;
	char majmin[24];
};

/*
 * col_value() - the value of column @col for @d, in @buf (of @len bytes)
 * or a constant string. COLT_SIZE values are in bytes unless @human.
 */
const char *col_value(int col, const struct devattrs *d, bool human,
		      char *buf, size_t len);

/* dio_reason_name() - words for a VFSBLK_DIO_REASON_*. */
const char *dio_reason_name(unsigned int reason);

#endif /* VFSBLKCTL_COLS_H */
