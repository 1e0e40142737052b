// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of cols.c: column selection and the values of columns.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <linux/vfsblk.h>

#include "cols.h"
#include "test.h"

/* @spec selects exactly the columns of the -1-ended @want. */
static void sel(const char *spec, const int *want)
{
	int cols[COLS_MAX];
	size_t n = 0, nwant = 0;
	char err[128] = "";
	int rc = cols_parse(spec, list_default_cols, list_default_ncols, cols,
			    &n, err, sizeof(err));
	bool same;

	while (want[nwant] >= 0)
		nwant++;
	same = rc == 0 && n == nwant;
	for (size_t i = 0; same && i < n; i++)
		same = cols[i] == want[i];
	CHECK(same, "cols_parse(\"%s\"): rc %d (%s), %zu columns; want %zu",
	      spec, rc, err, n, nwant);
}

static void sel_bad(const char *spec, const char *why)
{
	int cols[COLS_MAX];
	size_t n = 777;
	char err[128] = "";
	int rc = cols_parse(spec, list_default_cols, list_default_ncols, cols,
			    &n, err, sizeof(err));

	CHECK(rc == -1 && n == 777 && strstr(err, why),
	      "cols_parse(\"%s\"): rc %d, \"%s\"; want -1 and \"%s\"",
	      spec, rc, err, why);
}

static void value(int col, const struct devattrs *d, bool human, const char *want)
{
	char buf[64];
	const char *v = col_value(col, d, human, buf, sizeof(buf));

	CHECK(strcmp(v, want) == 0, "column %s: \"%s\"; want \"%s\"",
	      colinfos[col].name, v, want);
}

static void test_table(void)
{
	for (int i = 0; i < COL_COUNT; i++) {
		const struct colinfo *c = &colinfos[i];

		CHECK(c->name && c->help && c->whint > 0, "column %d is incomplete", i);
		for (int j = 0; j < i; j++)
			CHECK(strcasecmp(c->name, colinfos[j].name) != 0,
			      "column %s twice", c->name);
	}
	for (size_t i = 0; i < list_default_ncols; i++)
		CHECK(list_default_cols[i] >= 0 && list_default_cols[i] < COL_COUNT,
		      "default column %zu", i);
	CHECK(losetup_default_ncols == 8 &&
	      losetup_default_cols[0] == COL_NAME &&
	      losetup_default_cols[7] == COL_LOG_SEC, "losetup's --list columns");
}

static void test_parse(void)
{
	int plus[COLS_MAX + 1];
	size_t n;

	sel("NAME", (const int[]){ COL_NAME, -1 });
	sel("name,size", (const int[]){ COL_NAME, COL_SIZE, -1 });
	sel("Back-File,MAJ:MIN,back-maj:min",
	    (const int[]){ COL_BACK_FILE, COL_MAJMIN, COL_BACK_MAJMIN, -1 });
	sel("NAME,NAME", (const int[]){ COL_NAME, COL_NAME, -1 });
	sel("DIO,DIO-REQUEST,DIO-REASON,LABEL",
	    (const int[]){ COL_DIO, COL_DIO_REQUEST, COL_DIO_REASON, COL_LABEL, -1 });

	for (n = 0; n < list_default_ncols; n++)
		plus[n] = list_default_cols[n];
	plus[n++] = COL_LABEL;
	plus[n++] = COL_INDEX;
	plus[n] = -1;
	sel("+LABEL,INDEX", plus);

	sel_bad("", "empty column name");
	sel_bad("NAME,", "empty column name");
	sel_bad(",NAME", "empty column name");
	sel_bad("NAME,,SIZE", "empty column name");
	sel_bad("+", "empty column name");
	sel_bad("NAMES", "unknown column 'NAMES'");
	sel_bad("NAME,bogus,SIZE", "unknown column 'bogus'");
	sel_bad("NAM", "unknown column 'NAM'");
	sel_bad("NAME SIZE", "unknown column 'NAME SIZE'");
}

static void test_values(void)
{
	struct devattrs d;

	memset(&d, 0, sizeof(d));
	d.info.index = 7;
	d.info.state = VFSBLK_STATE_BOUND;
	d.info.open_count = 3;
	d.info.capacity = 3ULL << 29;
	d.info.backing_size = 5000;
	d.info.offset = 1024;
	d.info.size_limit = 2048;
	d.info.flags = VFSBLK_FLAG_FILE_READ_ONLY | VFSBLK_FLAG_PARTSCAN |
		       VFSBLK_FLAG_NO_DISCARD | VFSBLK_FLAG_WRITE_THROUGH;
	d.info.dio_request = VFSBLK_DIO_ON;
	d.info.dio = VFSBLK_DIO_OFF;
	d.info.dio_reason = VFSBLK_DIO_REASON_ALIGNMENT;
	d.info.dio_align = 4096;
	d.info.nr_queues = 4;
	d.info.queue_depth = 128;
	d.info.backing_inode = 99;
	d.info.backing_major = 254;
	d.info.backing_minor = 300;
	strcpy(d.info.name, "scratch");
	strcpy(d.majmin, "252:112");
	d.path = "/srv/a b";

	value(COL_NAME, &d, true, "/dev/vfsblk7");
	value(COL_INDEX, &d, true, "7");
	value(COL_LABEL, &d, true, "scratch");
	value(COL_STATE, &d, true, "bound");
	value(COL_OPEN, &d, true, "3");
	value(COL_SIZE, &d, true, "1.5G");
	value(COL_SIZE, &d, false, "1610612736");
	value(COL_BACK_SIZE, &d, true, "4.9K");
	value(COL_BACK_SIZE, &d, false, "5000");
	value(COL_OFFSET, &d, true, "1024");
	value(COL_SIZELIMIT, &d, true, "2048");
	value(COL_LOG_SEC, &d, true, "512");	/* 0: an ABI 1 module */
	value(COL_RO, &d, true, "1");		/* the file made it read-only */
	value(COL_FILE_RO, &d, true, "1");
	value(COL_AUTOCLEAR, &d, true, "0");
	value(COL_PARTSCAN, &d, true, "1");
	value(COL_OWNED, &d, true, "0");
	value(COL_DIO, &d, true, "0");
	value(COL_DIO_REQUEST, &d, true, "on");
	value(COL_DIO_REASON, &d, true, "alignment");
	value(COL_DIO_ALIGN, &d, true, "4096");
	value(COL_DISCARD, &d, true, "0");
	value(COL_WCACHE, &d, true, "0");
	value(COL_QUEUES, &d, true, "4");
	value(COL_QUEUE_DEPTH, &d, true, "128");
	value(COL_FLAGS, &d, true, "0x704");
	value(COL_MAJMIN, &d, true, "252:112");
	value(COL_BACK_FILE, &d, true, "/srv/a b");
	value(COL_BACK_INO, &d, true, "99");
	value(COL_BACK_MAJMIN, &d, true, "254:300");

	d.info.state = VFSBLK_STATE_RUNDOWN;
	d.info.flags = VFSBLK_FLAG_READ_ONLY | VFSBLK_FLAG_AUTOCLEAR |
		       VFSBLK_FLAG_OWNED;
	d.info.block_size = 4096;
	d.info.dio_request = VFSBLK_DIO_STRICT;
	d.info.dio = VFSBLK_DIO_ON;
	d.info.dio_reason = VFSBLK_DIO_REASON_NONE;
	d.info.name[0] = '\0';
	d.path = NULL;
	value(COL_STATE, &d, true, "rundown");
	value(COL_RO, &d, true, "1");
	value(COL_FILE_RO, &d, true, "0");
	value(COL_AUTOCLEAR, &d, true, "1");
	value(COL_OWNED, &d, true, "1");
	value(COL_DISCARD, &d, true, "1");
	value(COL_WCACHE, &d, true, "1");
	value(COL_LOG_SEC, &d, true, "4096");
	value(COL_DIO, &d, true, "1");
	value(COL_DIO_REQUEST, &d, true, "strict");
	value(COL_DIO_REASON, &d, true, "none");
	value(COL_LABEL, &d, true, "");
	value(COL_BACK_FILE, &d, true, "");
	d.info.state = 9;
	d.info.dio_reason = VFSBLK_DIO_REASON_UNSUPPORTED;
	value(COL_STATE, &d, true, "unknown(9)");
	value(COL_DIO_REASON, &d, true, "unsupported");
	d.info.flags = 0;
	value(COL_RO, &d, true, "0");
}

int main(void)
{
	test_table();
	test_parse();
	test_values();
	return test_summary("test-cols");
}
