// SPDX-License-Identifier: GPL-2.0
/*
 * vfsblkctl: the attributes of a device as output columns.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cols.h"
#include "opts.h"
#include "size.h"

#define DEV_PREFIX	"/dev/vfsblk"

const struct colinfo colinfos[COL_COUNT] = {
	[COL_NAME]	 = { "NAME",	     0.15, false, COLT_STRING, "device node" },
	[COL_INDEX]	 = { "INDEX",	     1,	   true,  COLT_NUMBER, "device index" },
	[COL_LABEL]	 = { "LABEL",	     0.1,  false, COLT_STRING, "name given with --name" },
	[COL_STATE]	 = { "STATE",	     7,	   false, COLT_STRING, "bound, or rundown (removed at last close)" },
	[COL_OPEN]	 = { "OPEN",	     1,	   true,  COLT_NUMBER, "how many times the device is open" },
	[COL_SIZE]	 = { "SIZE",	     5,	   true,  COLT_SIZE,   "size of the device" },
	[COL_OFFSET]	 = { "OFFSET",	     5,	   true,  COLT_NUMBER, "offset in the backing file, in bytes" },
	[COL_SIZELIMIT]	 = { "SIZELIMIT",    5,	   true,  COLT_NUMBER, "size limit in bytes, 0 for none" },
	[COL_LOG_SEC]	 = { "LOG-SEC",	     4,	   true,  COLT_NUMBER, "logical block size in bytes" },
	[COL_RO]	 = { "RO",	     1,	   true,  COLT_BOOL,   "read-only device" },
	[COL_FILE_RO]	 = { "FILE-RO",	     1,	   true,  COLT_BOOL,   "read-only because the file cannot be written" },
	[COL_AUTOCLEAR]	 = { "AUTOCLEAR",    1,	   true,  COLT_BOOL,   "removed at last close" },
	[COL_PARTSCAN]	 = { "PARTSCAN",     1,	   true,  COLT_BOOL,   "partitions scanned" },
	[COL_OWNED]	 = { "OWNED",	     1,	   true,  COLT_BOOL,   "an owner descriptor holds the device" },
	[COL_DIO]	 = { "DIO",	     1,	   true,  COLT_BOOL,   "direct I/O in effect" },
	[COL_DIO_REQUEST] = { "DIO-REQUEST", 6,	   false, COLT_STRING, "direct I/O asked: off, on or strict" },
	[COL_DIO_REASON] = { "DIO-REASON",   6,	   false, COLT_STRING, "why direct I/O is not in effect as asked" },
	[COL_DIO_ALIGN]	 = { "DIO-ALIGN",    4,	   true,  COLT_NUMBER, "direct I/O alignment of the file, 0 for none" },
	[COL_DISCARD]	 = { "DISCARD",	     1,	   true,  COLT_BOOL,   "discard advertised (the file can punch holes)" },
	[COL_WCACHE]	 = { "WCACHE",	     1,	   true,  COLT_BOOL,   "volatile write cache announced (0: every write is synchronous)" },
	[COL_QUEUES]	 = { "QUEUES",	     2,	   true,  COLT_NUMBER, "hardware queues" },
	[COL_QUEUE_DEPTH] = { "QUEUE-DEPTH", 4,	   true,  COLT_NUMBER, "requests per hardware queue" },
	[COL_FLAGS]	 = { "FLAGS",	     4,	   false, COLT_STRING, "device flags, in hex" },
	[COL_MAJMIN]	 = { "MAJ:MIN",	     6,	   false, COLT_STRING, "device number" },
	[COL_BACK_FILE]	 = { "BACK-FILE",    0.3,  false, COLT_STRING, "backing file" },
	[COL_BACK_SIZE]	 = { "BACK-SIZE",    5,	   true,  COLT_SIZE,   "size of the backing file" },
	[COL_BACK_INO]	 = { "BACK-INO",     4,	   true,  COLT_NUMBER, "backing file inode number" },
	[COL_BACK_MAJMIN] = { "BACK-MAJ:MIN", 6,   false, COLT_STRING, "device number of the backing file's filesystem" },
};

const int list_default_cols[] = {
	COL_NAME, COL_SIZE, COL_OFFSET, COL_SIZELIMIT, COL_RO, COL_AUTOCLEAR,
	COL_DIO, COL_STATE, COL_OPEN, COL_LABEL, COL_BACK_FILE,
};
const size_t list_default_ncols = sizeof(list_default_cols) / sizeof(int);

/* losetup --list's columns, in its order. */
const int losetup_default_cols[] = {
	COL_NAME, COL_SIZELIMIT, COL_OFFSET, COL_AUTOCLEAR, COL_RO,
	COL_BACK_FILE, COL_DIO, COL_LOG_SEC,
};
const size_t losetup_default_ncols = sizeof(losetup_default_cols) / sizeof(int);

static int col_lookup(const char *name, size_t len)
{
	for (int i = 0; i < COL_COUNT; i++)
		if (strlen(colinfos[i].name) == len &&
		    strncasecmp(colinfos[i].name, name, len) == 0)
			return i;
	return -1;
}

int cols_parse(const char *spec, const int *defaults, size_t ndefaults,
	       int *cols, size_t *ncols, char *err, size_t errlen)
{
	const char *p = spec;
	size_t n = 0;

	if (*p == '+') {
		p++;
		for (; n < ndefaults && n < COLS_MAX; n++)
			cols[n] = defaults[n];
	}
	for (;;) {
		size_t len = strcspn(p, ",");
		int col;

		if (len == 0) {
			snprintf(err, errlen, "empty column name in '%s'", spec);
			return -1;
		}
		col = col_lookup(p, len);
		if (col < 0) {
			snprintf(err, errlen, "unknown column '%.*s'", (int)len, p);
			return -1;
		}
		if (n == COLS_MAX) {
			snprintf(err, errlen, "too many columns (at most %d)", COLS_MAX);
			return -1;
		}
		cols[n++] = col;
		p += len;
		if (!*p)
			break;
		p++;
	}
	*ncols = n;
	return 0;
}

const char *dio_reason_name(unsigned int reason)
{
	switch (reason) {
	case VFSBLK_DIO_REASON_NONE:
		return "none";
	case VFSBLK_DIO_REASON_UNSUPPORTED:
		return "unsupported";
	case VFSBLK_DIO_REASON_ALIGNMENT:
		return "alignment";
	default:
		return "unknown";
	}
}

static const char *flag_value(const struct vfsblk_info *i, uint64_t flag)
{
	return i->flags & flag ? "1" : "0";
}

const char *col_value(int col, const struct devattrs *d, bool human,
		      char *buf, size_t len)
{
	const struct vfsblk_info *i = &d->info;

	switch (col) {
	case COL_NAME:
		snprintf(buf, len, DEV_PREFIX "%" PRIu32, i->index);
		break;
	case COL_INDEX:
		snprintf(buf, len, "%" PRIu32, i->index);
		break;
	case COL_LABEL:
		snprintf(buf, len, "%.*s", VFSBLK_NAME_LEN - 1, i->name);
		break;
	case COL_STATE:
		if (i->state == VFSBLK_STATE_BOUND)
			return "bound";
		if (i->state == VFSBLK_STATE_RUNDOWN)
			return "rundown";
		snprintf(buf, len, "unknown(%" PRIu32 ")", i->state);
		break;
	case COL_OPEN:
		snprintf(buf, len, "%" PRIu32, i->open_count);
		break;
	case COL_SIZE:
	case COL_BACK_SIZE: {
		uint64_t v = col == COL_SIZE ? i->capacity : i->backing_size;

		if (human)
			size_to_human(v, buf, len);
		else
			snprintf(buf, len, "%" PRIu64, (uint64_t)v);
		break;
	}
	case COL_OFFSET:
		snprintf(buf, len, "%" PRIu64, (uint64_t)i->offset);
		break;
	case COL_SIZELIMIT:
		snprintf(buf, len, "%" PRIu64, (uint64_t)i->size_limit);
		break;
	case COL_LOG_SEC:
		snprintf(buf, len, "%" PRIu32, i->block_size ? i->block_size : 512);
		break;
	case COL_RO:
		return flag_value(i, VFSBLK_FLAG_READ_ONLY | VFSBLK_FLAG_FILE_READ_ONLY);
	case COL_FILE_RO:
		return flag_value(i, VFSBLK_FLAG_FILE_READ_ONLY);
	case COL_AUTOCLEAR:
		return flag_value(i, VFSBLK_FLAG_AUTOCLEAR);
	case COL_PARTSCAN:
		return flag_value(i, VFSBLK_FLAG_PARTSCAN);
	case COL_OWNED:
		return flag_value(i, VFSBLK_FLAG_OWNED);
	case COL_DIO:
		return i->dio == VFSBLK_DIO_OFF ? "0" : "1";
	case COL_DIO_REQUEST:
		return dio_mode_name(i->dio_request);
	case COL_DIO_REASON:
		return dio_reason_name(i->dio_reason);
	case COL_DIO_ALIGN:
		snprintf(buf, len, "%" PRIu32, i->dio_align);
		break;
	case COL_DISCARD:
		return i->flags & VFSBLK_FLAG_NO_DISCARD ? "0" : "1";
	case COL_WCACHE:
		return i->flags & VFSBLK_FLAG_WRITE_THROUGH ? "0" : "1";
	case COL_QUEUES:
		snprintf(buf, len, "%" PRIu32, i->nr_queues);
		break;
	case COL_QUEUE_DEPTH:
		snprintf(buf, len, "%" PRIu32, i->queue_depth);
		break;
	case COL_FLAGS:
		snprintf(buf, len, "0x%" PRIx64, (uint64_t)i->flags);
		break;
	case COL_MAJMIN:
		return d->majmin;
	case COL_BACK_FILE:
		return d->path ? d->path : "";
	case COL_BACK_INO:
		snprintf(buf, len, "%" PRIu64, (uint64_t)i->backing_inode);
		break;
	case COL_BACK_MAJMIN:
		snprintf(buf, len, "%" PRIu32 ":%" PRIu32,
			 i->backing_major, i->backing_minor);
		break;
	default:
		return "";
	}
	return buf;
}
