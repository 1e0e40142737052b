// SPDX-License-Identifier: GPL-2.0
/*
 * vfsblkctl: set up and control vfsblk devices, block devices backed by
 * regular files.
 *
 * One function per command (cmd_*), dispatched through cmd_run[] by the
 * ids of the command table in opts.c. Every failure is reported as one
 * line on stderr: "vfsblkctl: <what failed> <on what>: <why>[ (hint)]".
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include <libsmartcols.h>
#include <linux/vfsblk.h>

#include "ctl.h"
#include "opts.h"
#include "size.h"
#include "vfsblkctl.h"

#define DEV_PREFIX		"/dev/vfsblk"
#define SECTOR_SIZE		512
#define NODE_WAIT_MS		10000	/* how long add waits for /dev/vfsblkN */
#define JSON_TABLE_NAME		"vfsblkdevices"

/* ------------------------------------------------------------------ */
/* Messages                                                           */
/* ------------------------------------------------------------------ */

static void __attribute__((format(printf, 1, 2))) errmsg(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs(VFSBLKCTL_NAME ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* A hint for errors of the control node that have a likely cause. */
static const char *errno_hint(int err)
{
	switch (err) {
	case EACCES:
	case EPERM:
		return " (are you root?)";
	case ENOTTY:
		/* Not our node, or a module without this command. */
		return strcmp(ctl_path(), CTL_PATH) == 0 ?
			" (is the vfsblk module older than " VFSBLKCTL_NAME "?)" :
			" (is $VFSBLKCTL_CONTROL the vfsblk control node?)";
	case E2BIG:
		return " (the vfsblk module is older than " VFSBLKCTL_NAME ")";
	default:
		return "";
	}
}

/* What a file that is not a regular one is, for messages. */
static const char *file_kind(mode_t mode)
{
	if (S_ISDIR(mode))
		return "is a directory";
	if (S_ISFIFO(mode))
		return "is a pipe";
	if (S_ISSOCK(mode))
		return "is a socket";
	if (S_ISCHR(mode))
		return "is a character device, not a regular file";
	if (S_ISBLK(mode))
		return "is a block device, not a regular file";
	if (S_ISLNK(mode))
		return "is a symbolic link";
	return "is not a regular file";
}

static void dev_name(uint32_t index, char *buf, size_t len)
{
	snprintf(buf, len, DEV_PREFIX "%" PRIu32, index);
}

/* Report stdout write errors (full disk, closed pipe) at exit. */
static void close_stdout(void)
{
	if (fflush(stdout) != 0 || ferror(stdout) || fclose(stdout) != 0) {
		if (errno != EPIPE)
			errmsg("write error on standard output: %s", strerror(errno));
		_exit(EXIT_FAIL);
	}
}

/* ------------------------------------------------------------------ */
/* Help                                                               */
/* ------------------------------------------------------------------ */

static void print_summary(FILE *out, const char *summary)
{
	fputc(toupper((unsigned char)summary[0]), out);
	fprintf(out, "%s.\n", summary + 1);
}

static void __attribute__((noreturn)) usage_main(void)
{
	FILE *out = stdout;

	fputs("\nUsage:\n", out);
	fputs(" " VFSBLKCTL_NAME " [options] COMMAND [command options] [ARGS]\n\n", out);
	fputs("Set up and control vfsblk devices: block devices backed by regular files.\n", out);
	fputs("\nCommands:\n", out);
	for (size_t i = 0; i < CMD_COUNT; i++) {
		const struct cmd_spec *c = &cmd_specs[i];
		char syn[64];

		snprintf(syn, sizeof(syn), "%s%s%s", c->name,
			 *c->synopsis ? " " : "", c->synopsis);
		fprintf(out, " %-25s %s\n", syn, c->summary);
	}
	fputs("\nAliases:", out);
	for (size_t i = 0, n = 0; i < CMD_COUNT; i++)
		if (cmd_specs[i].alias)
			fprintf(out, "%s %s = %s", n++ ? "," : "",
				cmd_specs[i].alias, cmd_specs[i].name);
	fputs("\n", out);
	fputs("\nOptions:\n", out);
	fputs(" -h, --help         display this help\n", out);
	fputs(" -V, --version      display version\n", out);
	fputs("\nRun '" VFSBLKCTL_NAME " COMMAND --help' for the arguments and options of a command.\n", out);
	fputs("\nEnvironment:\n", out);
	fputs(" VFSBLKCTL_CONTROL  control node to use instead of " CTL_PATH "\n", out);
	fputs("\nExit status: 0 success, 1 the operation failed, 2 usage error.\n", out);
	exit(EXIT_OK);
}

static void __attribute__((noreturn)) usage_cmd(const struct cmd_spec *c)
{
	FILE *out = stdout;

	fputs("\nUsage:\n", out);
	fprintf(out, " " VFSBLKCTL_NAME " %s [options]%s%s\n", c->name,
		*c->synopsis ? " " : "", c->synopsis);
	if (c->alias)
		fprintf(out, " (alias: %s)\n", c->alias);
	fputc('\n', out);
	print_summary(out, c->summary);
	fputs("\nOptions:\n", out);
	for (const char *const *l = c->options_help; *l; l++)
		fprintf(out, "%s\n", *l);
	exit(EXIT_OK);
}

/* ------------------------------------------------------------------ */
/* Control node                                                       */
/* ------------------------------------------------------------------ */

static int open_ctl(void)
{
	int fd = ctl_open();

	if (fd < 0) {
		const char *hint = errno_hint(-fd);

		if (-fd == ENOENT)
			hint = access("/sys/module/vfsblk", F_OK) == 0 ?
				" (the vfsblk module is loaded: is devtmpfs mounted on /dev?)" :
				" (is the vfsblk module loaded?)";
		errmsg("cannot open %s: %s%s", ctl_path(), strerror(-fd), hint);
	}
	return fd;
}

/* ------------------------------------------------------------------ */
/* Columns of list and info                                           */
/* ------------------------------------------------------------------ */

enum {
	COL_NAME,
	COL_INDEX,
	COL_STATE,
	COL_OPEN,
	COL_SIZE,
	COL_RO,
	COL_AUTOCLEAR,
	COL_FLAGS,
	COL_BACK_FILE,
	COL_BACK_SIZE,
	COL_BACK_INO,
	COL_BACK_MAJMIN,
	COL_COUNT
};

/*
 * struct colinfo - one attribute of a device, as a column.
 * @name: header, and (lower-cased) the key of info and of JSON.
 * @whint: width hint for libsmartcols.
 * @flags: SCOLS_FL_*.
 * @json_type: SCOLS_JSON_*.
 * @help: what it is.
 */
struct colinfo {
	const char *name;
	double whint;
	int flags;
	int json_type;
	const char *help;
};

static const struct colinfo colinfos[COL_COUNT] = {
	[COL_NAME]	= { "NAME",	   0.15, 0,		  SCOLS_JSON_STRING,  "device name" },
	[COL_INDEX]	= { "INDEX",	   1,	 SCOLS_FL_RIGHT,  SCOLS_JSON_NUMBER,  "device index" },
	[COL_STATE]	= { "STATE",	   7,	 0,		  SCOLS_JSON_STRING,  "bound, or rundown (removed at last close)" },
	[COL_OPEN]	= { "OPEN",	   1,	 SCOLS_FL_RIGHT,  SCOLS_JSON_NUMBER,  "how many times the device is open" },
	[COL_SIZE]	= { "SIZE",	   5,	 SCOLS_FL_RIGHT,  SCOLS_JSON_NUMBER,  "size of the device" },
	[COL_RO]	= { "RO",	   1,	 SCOLS_FL_RIGHT,  SCOLS_JSON_BOOLEAN, "read-only device" },
	[COL_AUTOCLEAR]	= { "AUTOCLEAR",   1,	 SCOLS_FL_RIGHT,  SCOLS_JSON_BOOLEAN, "removed at last close" },
	[COL_FLAGS]	= { "FLAGS",	   4,	 0,		  SCOLS_JSON_STRING,  "device flags, in hex" },
	[COL_BACK_FILE]	= { "BACK-FILE",   0.3,	 0,		  SCOLS_JSON_STRING,  "backing file" },
	[COL_BACK_SIZE]	= { "BACK-SIZE",   5,	 SCOLS_FL_RIGHT,  SCOLS_JSON_NUMBER,  "size of the backing file" },
	[COL_BACK_INO]	= { "BACK-INO",    4,	 SCOLS_FL_RIGHT,  SCOLS_JSON_NUMBER,  "backing file inode number" },
	[COL_BACK_MAJMIN] = { "BACK-MAJ:MIN", 6, SCOLS_FL_RIGHT,  SCOLS_JSON_STRING,  "backing file device number" },
};

/* The columns of list; info shows them all. */
static const int list_columns[] = {
	COL_NAME, COL_SIZE, COL_RO, COL_AUTOCLEAR, COL_STATE, COL_OPEN,
	COL_BACK_FILE, COL_BACK_INO, COL_BACK_MAJMIN,
};

/* struct devattrs - what INFO said about one device. */
struct devattrs {
	struct vfsblk_info info;
	char *path;
};

static const char *state_name(uint32_t state)
{
	switch (state) {
	case VFSBLK_STATE_BOUND:
		return "bound";
	case VFSBLK_STATE_RUNDOWN:
		return "rundown";
	default:
		return NULL;
	}
}

/*
 * The value of column @col for @d, in @buf (of @len bytes). Booleans come
 * as "1"/"0" (libsmartcols turns them into JSON true/false), sizes in
 * bytes unless @human.
 */
static const char *col_value(int col, const struct devattrs *d, bool human,
			     char *buf, size_t len)
{
	const struct vfsblk_info *i = &d->info;
	const char *s;

	switch (col) {
	case COL_NAME:
		dev_name(i->index, buf, len);
		break;
	case COL_INDEX:
		snprintf(buf, len, "%" PRIu32, i->index);
		break;
	case COL_STATE:
		s = state_name(i->state);
		if (s)
			return s;
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
	case COL_RO:
		return i->flags & VFSBLK_FLAG_READ_ONLY ? "1" : "0";
	case COL_AUTOCLEAR:
		return i->flags & VFSBLK_FLAG_AUTOCLEAR ? "1" : "0";
	case COL_FLAGS:
		snprintf(buf, len, "0x%" PRIx64, (uint64_t)i->flags);
		break;
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

/* Fetch the attributes of device @index. Returns 0 or -errno. */
static int get_devattrs(int ctl, uint32_t index, struct devattrs *d)
{
	d->path = NULL;
	return ctl_info(ctl, index, &d->info, &d->path);
}

static void report_info_error(uint32_t index, int err)
{
	char name[32];

	dev_name(index, name, sizeof(name));
	if (err == ENODEV)
		errmsg("cannot get information on %s: no such device", name);
	else
		errmsg("cannot get information on %s: %s%s", name, strerror(err),
		       errno_hint(err));
}

/* A libsmartcols table with columns @cols; NULL on error (reported). */
static struct libscols_table *new_table(const int *cols, size_t ncols,
					const struct cli_opts *o)
{
	struct libscols_table *tb = scols_new_table();

	if (!tb)
		goto fail;
	if (o->json) {
		scols_table_enable_json(tb, 1);
		if (scols_table_set_name(tb, JSON_TABLE_NAME))
			goto fail;
	}
	scols_table_enable_raw(tb, o->raw);
	scols_table_enable_noheadings(tb, o->noheadings);

	for (size_t i = 0; i < ncols; i++) {
		const struct colinfo *ci = &colinfos[cols[i]];
		struct libscols_column *cl;

		cl = scols_table_new_column(tb, ci->name, ci->whint, ci->flags);
		if (!cl)
			goto fail;
		if (o->json && scols_column_set_json_type(cl, ci->json_type))
			goto fail;
	}
	return tb;
fail:
	errmsg("cannot set up the output table: %s", strerror(errno ? errno : ENOMEM));
	scols_unref_table(tb);
	return NULL;
}

static int add_table_row(struct libscols_table *tb, const int *cols, size_t ncols,
			 const struct devattrs *d, bool human)
{
	struct libscols_line *ln = scols_table_new_line(tb, NULL);

	if (!ln)
		return -ENOMEM;
	for (size_t i = 0; i < ncols; i++) {
		char buf[64];
		const char *v = col_value(cols[i], d, human, buf, sizeof(buf));

		if (scols_line_set_data(ln, i, v))
			return -ENOMEM;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Commands                                                           */
/* ------------------------------------------------------------------ */

static int cmd_create(const struct cli_opts *o)
{
	const char *path = o->args[0];
	bool created = true;
	struct stat st;
	int fd;

	if (o->size > (uint64_t)INT64_MAX) {
		errmsg("create: size %" PRIu64 " is too large for a file (try '"
		       VFSBLKCTL_NAME " create --help')", o->size);
		return EXIT_USAGE;
	}

	/* O_NONBLOCK: an existing FIFO must not hang us; it is refused below. */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0666);
	if (fd < 0 && errno == EEXIST && o->force) {
		created = false;
		if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
			errmsg("cannot overwrite %s: it %s", path, file_kind(st.st_mode));
			return EXIT_FAIL;
		}
		fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	}
	if (fd < 0) {
		if (errno == EEXIST)
			errmsg("cannot create %s: file exists (use --force to overwrite it)", path);
		else
			errmsg("cannot create %s: %s", path, strerror(errno));
		return EXIT_FAIL;
	}

	if (!created) {
		/* Between stat() and open() the path may have changed: look again. */
		if (fstat(fd, &st) != 0)
			st.st_mode = 0;
		if (!S_ISREG(st.st_mode)) {
			errmsg("cannot overwrite %s: it %s", path,
			       file_kind(st.st_mode));
			close(fd);
			return EXIT_FAIL;
		}
		/* Drop the old contents so that the file reads as zeros. */
		if (ftruncate(fd, 0) != 0) {
			errmsg("cannot truncate %s: %s", path, strerror(errno));
			close(fd);
			return EXIT_FAIL;
		}
	}

	if (ftruncate(fd, (off_t)o->size) != 0) {
		int err = errno;

		errmsg("cannot set the size of %s to %" PRIu64 " bytes: %s%s", path,
		       o->size, strerror(err),
		       err == EFBIG || err == EINVAL ? " (too large for its filesystem?)" : "");
		close(fd);
		if (created)
			unlink(path);
		return EXIT_FAIL;
	}
	if (close(fd) != 0) {
		errmsg("cannot write %s: %s", path, strerror(errno));
		if (created)
			unlink(path);
		return EXIT_FAIL;
	}

	if (o->size < SECTOR_SIZE)
		errmsg("warning: %s: smaller than %d bytes, too small to back a device",
		       path, SECTOR_SIZE);
	else if (o->size % SECTOR_SIZE)
		errmsg("warning: %s: size is not a multiple of %d bytes; a device backed by it ignores the last %" PRIu64 " bytes",
		       path, SECTOR_SIZE, o->size % SECTOR_SIZE);
	return EXIT_OK;
}

/* Open the backing file of add; O_NONBLOCK so that a FIFO cannot hang us. */
static int open_backing(const char *path, int mode)
{
	int fd = open(path, mode | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	int fl;

	if (fd < 0)
		return -1;
	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
		int err = errno;

		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/*
 * Wait until /dev/vfsblk<index> exists as the block device the kernel made
 * (its number checked against sysfs when that is readable).
 */
static int wait_for_node(uint32_t index, const char *node)
{
	char sysdev[64], buf[32];
	long waited = 0, step = 1;

	snprintf(sysdev, sizeof(sysdev), "/sys/block/vfsblk%" PRIu32 "/dev", index);

	for (;;) {
		struct stat st;

		if (stat(node, &st) == 0 && S_ISBLK(st.st_mode)) {
			unsigned int maj, min;
			FILE *f = fopen(sysdev, "re");
			bool match = true;

			if (f) {
				if (fgets(buf, sizeof(buf), f) &&
				    sscanf(buf, "%u:%u", &maj, &min) == 2)
					match = major(st.st_rdev) == maj &&
						minor(st.st_rdev) == min;
				fclose(f);
			}
			if (match)
				return 0;
		}
		if (waited >= NODE_WAIT_MS)
			return -1;
		sleep_ms(step);
		waited += step;
		if (step < 100)
			step *= 2;
	}
}

/* Why ADD refused the file open as @fd, in words. */
static void report_add_error(const char *path, int fd, int err)
{
	struct stat st;

	if ((err == EISDIR || err == ESPIPE || err == EINVAL) && fstat(fd, &st) == 0) {
		if (!S_ISREG(st.st_mode)) {
			errmsg("cannot attach %s: it %s", path, file_kind(st.st_mode));
			return;
		}
		if (err == EINVAL && st.st_size < SECTOR_SIZE) {
			errmsg("cannot attach %s: it is smaller than %d bytes",
			       path, SECTOR_SIZE);
			return;
		}
		if (err == EINVAL) {
			errmsg("cannot attach %s: %s (its filesystem may not support the I/O vfsblk needs)",
			       path, strerror(err));
			return;
		}
	}
	if (err == ENOSPC)
		errmsg("cannot attach %s: no free vfsblk device index", path);
	else
		errmsg("cannot attach %s: %s%s", path, strerror(err), errno_hint(err));
}

static int cmd_add(const struct cli_opts *o)
{
	const char *path = o->args[0];
	bool ro = o->read_only;
	uint64_t flags = 0;
	char node[32];
	uint32_t index;
	struct stat st;
	int ctl, fd, ret;

	ctl = open_ctl();
	if (ctl < 0)
		return EXIT_FAIL;

	fd = open_backing(path, ro ? O_RDONLY : O_RDWR);
	if (fd < 0 && !ro && (errno == EACCES || errno == EROFS)) {
		int err = errno;

		fd = open_backing(path, O_RDONLY);
		if (fd >= 0) {
			errmsg("%s: write access denied (%s), attaching read-only",
			       path, strerror(err));
			ro = true;
		} else {
			errno = err;
		}
	}
	if (fd < 0) {
		int err = errno;

		if (stat(path, &st) == 0 && !S_ISREG(st.st_mode) && err != EACCES)
			errmsg("cannot open %s: it %s", path, file_kind(st.st_mode));
		else
			errmsg("cannot open %s: %s", path, strerror(err));
		close(ctl);
		return EXIT_FAIL;
	}

	if (ro)
		flags |= VFSBLK_FLAG_READ_ONLY;
	if (o->autoclear)
		flags |= VFSBLK_FLAG_AUTOCLEAR;

	ret = ctl_add(ctl, fd, flags, &index);
	if (ret) {
		report_add_error(path, fd, -ret);
		close(fd);
		close(ctl);
		return EXIT_FAIL;
	}

	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size % SECTOR_SIZE)
		errmsg("warning: %s: size is not a multiple of %d bytes; the last %lld bytes are ignored",
		       path, SECTOR_SIZE, (long long)(st.st_size % SECTOR_SIZE));
	close(fd);	/* the device holds its own reference */
	close(ctl);

	dev_name(index, node, sizeof(node));
	if (wait_for_node(index, node))
		errmsg("warning: %s was created but its node did not appear within %d s (is udev or devtmpfs working?)",
		       node, NODE_WAIT_MS / 1000);
	printf("%s\n", node);
	return EXIT_OK;
}

/*
 * Parse the DEV|N arguments of @o into *@idx (malloc'ed). Returns EXIT_OK,
 * or EXIT_USAGE / EXIT_FAIL after reporting the error.
 */
static int parse_dev_args(const struct cli_opts *o, uint32_t **idx)
{
	*idx = calloc((size_t)o->nargs, sizeof(**idx));
	if (!*idx) {
		errmsg("%s: %s", o->cmd->name, strerror(ENOMEM));
		return EXIT_FAIL;
	}
	for (int i = 0; i < o->nargs; i++) {
		if (parse_dev_index(o->args[i], &(*idx)[i]) != 0) {
			errmsg("%s: '%s' is not a vfsblk device (use " DEV_PREFIX "N, vfsblkN or N)",
			       o->cmd->name, o->args[i]);
			free(*idx);
			*idx = NULL;
			return EXIT_USAGE;
		}
	}
	return EXIT_OK;
}

/*
 * The start of every command on DEV|N arguments: parse them into *@idx
 * (malloc'ed) and open the control node into *@ctl. Returns EXIT_OK, or
 * EXIT_USAGE / EXIT_FAIL after reporting the error, with nothing to free.
 */
static int open_for_devs(const struct cli_opts *o, uint32_t **idx, int *ctl)
{
	int rc = parse_dev_args(o, idx);

	if (rc != EXIT_OK)
		return rc;
	*ctl = open_ctl();
	if (*ctl < 0) {
		free(*idx);
		*idx = NULL;
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

static int cmd_remove(const struct cli_opts *o)
{
	uint32_t flags = o->lazy ? VFSBLK_REMOVE_DEFERRED : 0;
	uint32_t *idx;
	int ctl, rc;

	rc = open_for_devs(o, &idx, &ctl);
	if (rc != EXIT_OK)
		return rc;

	for (int i = 0; i < o->nargs; i++) {
		uint32_t result = 0;
		char name[32];
		int ret;

		dev_name(idx[i], name, sizeof(name));
		ret = ctl_remove(ctl, idx[i], flags, &result);
		if (ret == -EBUSY) {
			errmsg("cannot remove %s: device is in use (mounted or open); use --lazy to remove it at last close",
			       name);
		} else if (ret == -ENODEV) {
			errmsg("cannot remove %s: no such device", name);
		} else if (ret) {
			errmsg("cannot remove %s: %s%s", name, strerror(-ret),
			       errno_hint(-ret));
		} else if (result == VFSBLK_REMOVE_PENDING) {
			errmsg("%s: in use, will be removed at last close", name);
			continue;
		} else {
			continue;
		}
		rc = EXIT_FAIL;
	}

	close(ctl);
	free(idx);
	return rc;
}

static int cmd_list(const struct cli_opts *o)
{
	const size_t ncols = sizeof(list_columns) / sizeof(list_columns[0]);
	struct libscols_table *tb;
	uint32_t *indices = NULL, count = 0;
	int ctl, ret, rc = EXIT_OK;

	ctl = open_ctl();
	if (ctl < 0)
		return EXIT_FAIL;

	ret = ctl_list(ctl, &indices, &count);
	if (ret) {
		errmsg("cannot list devices: %s%s", strerror(-ret), errno_hint(-ret));
		close(ctl);
		return EXIT_FAIL;
	}

	tb = new_table(list_columns, ncols, o);
	if (!tb) {
		free(indices);
		close(ctl);
		return EXIT_FAIL;
	}

	for (uint32_t i = 0; i < count; i++) {
		struct devattrs d;

		ret = get_devattrs(ctl, indices[i], &d);
		if (ret == -ENODEV)
			continue;	/* removed since LIST */
		if (ret) {
			report_info_error(indices[i], -ret);
			rc = EXIT_FAIL;
			continue;
		}
		ret = add_table_row(tb, list_columns, ncols, &d,
				    !o->bytes && !o->json);
		free(d.path);
		if (ret) {
			errmsg("cannot fill the output table: %s", strerror(-ret));
			rc = EXIT_FAIL;
			break;
		}
	}

	if (scols_table_is_empty(tb) && !o->json) {
		/*
		 * libsmartcols prints nothing at all for a table without
		 * lines: give the header, as the columns would have it.
		 */
		if (!o->noheadings)
			for (size_t i = 0; i < ncols; i++)
				printf("%s%c", colinfos[list_columns[i]].name,
				       i + 1 < ncols ? ' ' : '\n');
	} else if (scols_print_table(tb) != 0) {
		errmsg("cannot print the output table");
		rc = EXIT_FAIL;
	}
	scols_unref_table(tb);
	free(indices);
	close(ctl);
	return rc;
}

static int print_info_text(const struct devattrs *d)
{
	for (int col = 0; col < COL_COUNT; col++) {
		const struct colinfo *ci = &colinfos[col];
		char buf[64];
		const char *v = col_value(col, d, false, buf, sizeof(buf));

		if (ci->json_type == SCOLS_JSON_BOOLEAN)
			v = strcmp(v, "1") == 0 ? "yes" : "no";
		for (const char *p = ci->name; *p; p++)
			putchar(tolower((unsigned char)*p));
		printf(": %s\n", v);
	}
	return EXIT_OK;
}

static int print_info_json(const struct devattrs *d, const struct cli_opts *o)
{
	int cols[COL_COUNT];
	struct libscols_table *tb;
	int rc = EXIT_OK;

	for (int i = 0; i < COL_COUNT; i++)
		cols[i] = i;
	tb = new_table(cols, COL_COUNT, o);
	if (!tb)
		return EXIT_FAIL;
	if (add_table_row(tb, cols, COL_COUNT, d, false) != 0 ||
	    scols_print_table(tb) != 0) {
		errmsg("cannot print the output table");
		rc = EXIT_FAIL;
	}
	scols_unref_table(tb);
	return rc;
}

static int cmd_info(const struct cli_opts *o)
{
	struct devattrs d;
	uint32_t *idx;
	int ctl, ret, rc;

	rc = open_for_devs(o, &idx, &ctl);
	if (rc != EXIT_OK)
		return rc;

	ret = get_devattrs(ctl, idx[0], &d);
	close(ctl);
	if (ret) {
		report_info_error(idx[0], -ret);
		free(idx);
		return EXIT_FAIL;
	}

	rc = o->json ? print_info_json(&d, o) : print_info_text(&d);
	free(d.path);
	free(idx);
	return rc;
}

static int cmd_help(const struct cli_opts *o)
{
	const struct cmd_spec *c;

	if (o->nargs == 0)
		usage_main();
	c = cmd_lookup(o->args[0]);
	if (!c) {
		errmsg("help: unknown command '%s' (try '" VFSBLKCTL_NAME " --help')",
		       o->args[0]);
		return EXIT_USAGE;
	}
	usage_cmd(c);
}

static int print_version(void)
{
	struct vfsblk_features f;
	int ctl;

	printf(VFSBLKCTL_NAME " %s (ABI %d)\n", VFSBLKCTL_VERSION, VFSBLK_ABI_VERSION);

	/* The module's ABI if it can be asked; silence otherwise. */
	ctl = ctl_open();
	if (ctl >= 0) {
		if (ctl_get_features(ctl, &f) == 0)
			printf("vfsblk module ABI %" PRIu32 "\n", f.abi_version);
		close(ctl);
	}
	return EXIT_OK;
}

static int (*const cmd_run[CMD_COUNT])(const struct cli_opts *) = {
	[CMD_CREATE]	= cmd_create,
	[CMD_ADD]	= cmd_add,
	[CMD_REMOVE]	= cmd_remove,
	[CMD_LIST]	= cmd_list,
	[CMD_INFO]	= cmd_info,
	[CMD_HELP]	= cmd_help,
};

int main(int argc, char **argv)
{
	struct cli_opts o;
	int rc;

	setlocale(LC_ALL, "");
	atexit(close_stdout);

	rc = opts_parse(argc, argv, &o);
	if (rc) {
		errmsg("%s", o.errmsg);
		return rc;
	}
	if (o.version)
		return print_version();
	if (o.help) {
		if (o.cmd)
			usage_cmd(o.cmd);
		usage_main();
	}
	return cmd_run[o.cmd->id](&o);
}
