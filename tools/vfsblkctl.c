// SPDX-License-Identifier: GPL-2.0
/*
 * vfsblkctl: set up and control vfsblk devices, block devices backed by
 * regular files.
 *
 * One function per command (cmd_*), dispatched through cmd_run[] by the
 * ids of the command table in opts.c; losetup's command line arrives as
 * the same commands with cli_opts.losetup set. Every failure is reported
 * as one line on stderr:
 * "vfsblkctl: <what failed> <on what>: <why>[ (hint)]".
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libsmartcols.h>
#include <linux/fs.h>
#include <linux/vfsblk.h>

#include "cols.h"
#include "ctl.h"
#include "opts.h"
#include "size.h"
#include "vfsblkctl.h"

#define DEV_PREFIX		"/dev/vfsblk"
#define SECTOR_SIZE		512
#define NODE_WAIT_MS		10000	/* how long add waits for /dev/vfsblkN */
#define JSON_TABLE_NAME		"vfsblkdevices"
#define NAME_BUF		32	/* "/dev/vfsblk4294967294" and NUL */

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

/* What a file that cannot back a device is, for messages. */
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
	fputs(" " VFSBLKCTL_NAME " [options] COMMAND [command options] [ARGS]\n", out);
	fputs(" " VFSBLKCTL_NAME " LOSETUP-OPTIONS [DEV] [FILE]\n\n", out);
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
	fputs("\nlosetup's command line works too: -f --show FILE, -fP --show FILE, -r, -o,\n", out);
	fputs("--sizelimit, -b, -d DEV, -D, -a, -l, -j FILE, -c DEV, --direct-io[=on|off],\n", out);
	fputs("-O, -n, --raw, --json, and DEV FILE, with losetup's defaults (buffered I/O);\n", out);
	fputs("see vfsblkctl(8).\n", out);
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
	if (c->id == CMD_LIST || c->id == CMD_INFO) {
		fputs("\nColumns:\n", out);
		for (int i = 0; i < COL_COUNT; i++)
			fprintf(out, " %14s  %s\n", colinfos[i].name, colinfos[i].help);
		fputs("\nDefault columns of list:\n ", out);
		for (size_t i = 0; i < list_default_ncols; i++)
			fprintf(out, "%s%s", i ? "," : "",
				colinfos[list_default_cols[i]].name);
		fputc('\n', out);
	}
	exit(EXIT_OK);
}

/* ------------------------------------------------------------------ */
/* Control node                                                       */
/* ------------------------------------------------------------------ */

/*
 * struct ctlctx - the open control node and what the module supports.
 * @fd: the control node.
 * @abi: the module's ABI version, 0 when GET_FEATURES failed (not the
 *	vfsblk node: the command itself then fails and says so).
 * @features: what GET_FEATURES said, when @abi is not 0.
 */
struct ctlctx {
	int fd;
	uint32_t abi;
	struct vfsblk_features features;
};

static int open_ctl(struct ctlctx *cx)
{
	int fd = ctl_open();

	cx->fd = fd;
	cx->abi = 0;
	if (fd < 0) {
		const char *hint = errno_hint(-fd);

		if (-fd == ENOENT)
			hint = access("/sys/module/vfsblk", F_OK) == 0 ?
				" (the vfsblk module is loaded: is devtmpfs mounted on /dev?)" :
				" (is the vfsblk module loaded? try 'modprobe vfsblk')";
		errmsg("cannot open %s: %s%s", ctl_path(), strerror(-fd), hint);
		return -1;
	}
	if (ctl_get_features(fd, &cx->features) == 0)
		cx->abi = cx->features.abi_version;
	return 0;
}

static void close_ctl(struct ctlctx *cx)
{
	if (cx->fd >= 0)
		close(cx->fd);
	cx->fd = -1;
}

/* The INFO size to send: the first published one to an ABI 1 module. */
static uint32_t info_size(const struct ctlctx *cx)
{
	return cx->abi == 1 ? VFSBLK_INFO_SIZE_VER0 : sizeof(struct vfsblk_info);
}

/* Fetch the attributes of device @index. Returns 0 or -errno. */
static int get_devattrs(const struct ctlctx *cx, uint32_t index,
			struct devattrs *d)
{
	char sys[64];
	FILE *f;
	int ret;

	d->path = NULL;
	d->majmin[0] = '\0';
	ret = ctl_info(cx->fd, index, info_size(cx), &d->info, &d->path);
	if (ret)
		return ret;
	snprintf(sys, sizeof(sys), "/sys/block/vfsblk%" PRIu32 "/dev", index);
	f = fopen(sys, "re");
	if (f) {
		if (fgets(d->majmin, sizeof(d->majmin), f))
			d->majmin[strcspn(d->majmin, "\n")] = '\0';
		else
			d->majmin[0] = '\0';
		fclose(f);
	}
	return 0;
}

static void report_info_error(uint32_t index, int err)
{
	char name[NAME_BUF];

	dev_name(index, name, sizeof(name));
	if (err == ENODEV)
		errmsg("cannot get information on %s: no such device", name);
	else
		errmsg("cannot get information on %s: %s%s", name, strerror(err),
		       errno_hint(err));
}

/* ------------------------------------------------------------------ */
/* Device arguments                                                   */
/* ------------------------------------------------------------------ */

enum arg_kind { ARG_NONE, ARG_DEV, ARG_FILE };

/*
 * What @arg names: a vfsblk device (/dev/vfsblkN, vfsblkN, N, or any node
 * of the device, such as /dev/vfsblk/by-name/NAME: *@index), or another
 * existing file (*@st). ARG_NONE when it is neither; errno then says why.
 */
static enum arg_kind resolve_arg(const char *arg, uint32_t *index,
				 struct stat *st)
{
	char sys[64], link[PATH_MAX];
	ssize_t n;

	if (parse_dev_index(arg, index) == 0)
		return ARG_DEV;
	if (stat(arg, st) != 0)
		return ARG_NONE;
	if (!S_ISBLK(st->st_mode))
		return ARG_FILE;

	/* A block device: vfsblk's own (under another name), or a backing one. */
	snprintf(sys, sizeof(sys), "/sys/dev/block/%u:%u",
		 major(st->st_rdev), minor(st->st_rdev));
	n = readlink(sys, link, sizeof(link) - 1);
	if (n > 0) {
		link[n] = '\0';
		if (parse_dev_index(basename(link), index) == 0 &&
		    strncmp(basename(link), "vfsblk", 6) == 0)
			return ARG_DEV;
	}
	return ARG_FILE;
}

/* Whether device @d is backed by the file @st describes. */
static bool backed_by(const struct devattrs *d, const struct stat *st)
{
	const struct vfsblk_info *i = &d->info;

	if (S_ISBLK(st->st_mode))
		return i->backing_major == major(st->st_rdev) &&
		       i->backing_minor == minor(st->st_rdev);
	return i->backing_major == major(st->st_dev) &&
	       i->backing_minor == minor(st->st_dev) &&
	       i->backing_inode == st->st_ino;
}

/*
 * The device an argument of info, resize or set names: reported and
 * EXIT_USAGE when it is not one.
 */
static int dev_arg(const struct cli_opts *o, const char *arg, uint32_t *index)
{
	struct stat st;

	if (resolve_arg(arg, index, &st) == ARG_DEV)
		return EXIT_OK;
	errmsg("%s: '%s' is not a vfsblk device (use " DEV_PREFIX "N, vfsblkN or N)",
	       o->cmd->name, arg);
	return EXIT_USAGE;
}

/* Where device @index (or a partition of it) is mounted, in @buf; or NULL. */
static const char *mounted_on(uint32_t index, char *buf, size_t len)
{
	char name[NAME_BUF], dev[PATH_MAX], mnt[PATH_MAX];
	const char *found = NULL;
	size_t nlen;
	FILE *f;

	dev_name(index, name, sizeof(name));
	nlen = strlen(name);
	f = fopen("/proc/self/mounts", "re");
	if (!f)
		return NULL;
	while (fscanf(f, "%4095s %4095s%*[^\n]", dev, mnt) == 2) {
		if (strncmp(dev, name, nlen) == 0 &&
		    (dev[nlen] == '\0' || dev[nlen] == 'p')) {
			snprintf(buf, len, "%s", mnt);
			found = buf;
			break;
		}
	}
	fclose(f);
	return found;
}

/* Why device @index is busy, for messages: " (mounted on X)" or "". */
static const char *busy_why(uint32_t index, char *buf, size_t len)
{
	char mnt[PATH_MAX];

	if (mounted_on(index, mnt, sizeof(mnt)))
		snprintf(buf, len, ": mounted on %s", mnt);
	else
		snprintf(buf, len, " (open by a process)");
	return buf;
}

/* ------------------------------------------------------------------ */
/* Tables                                                             */
/* ------------------------------------------------------------------ */

static int scols_json_type(enum col_type t)
{
	switch (t) {
	case COLT_NUMBER:
	case COLT_SIZE:
		return SCOLS_JSON_NUMBER;
	case COLT_BOOL:
		return SCOLS_JSON_BOOLEAN;
	default:
		return SCOLS_JSON_STRING;
	}
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

		cl = scols_table_new_column(tb, ci->name, ci->whint,
					    ci->right ? SCOLS_FL_RIGHT : 0);
		if (!cl)
			goto fail;
		if (o->json &&
		    scols_column_set_json_type(cl, scols_json_type(ci->type)))
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

/* Print @tb; a table without lines still gets its header (not in JSON). */
static int print_table(struct libscols_table *tb, const int *cols,
		       size_t ncols, const struct cli_opts *o)
{
	if (scols_table_is_empty(tb) && !o->json) {
		/* libsmartcols prints nothing at all for a table without lines. */
		if (!o->noheadings)
			for (size_t i = 0; i < ncols; i++)
				printf("%s%c", colinfos[cols[i]].name,
				       i + 1 < ncols ? ' ' : '\n');
		return EXIT_OK;
	}
	if (scols_print_table(tb) != 0) {
		errmsg("cannot print the output table");
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

/*
 * A device as losetup -a prints it:
 * "/dev/vfsblk0: [2049]:12 (/path)[, offset N][, sizelimit N]", the
 * device number encoded as the kernel's new_encode_dev() does.
 */
static void print_old_format(const struct devattrs *d)
{
	const struct vfsblk_info *i = &d->info;
	uint64_t dev = (i->backing_minor & 0xff) | ((uint64_t)i->backing_major << 8) |
		       ((uint64_t)(i->backing_minor & ~0xffU) << 12);
	char name[NAME_BUF];

	dev_name(i->index, name, sizeof(name));
	printf("%s: [%04" PRIu64 "]:%" PRIu64 " (%s)", name, dev,
	       (uint64_t)i->backing_inode, d->path ? d->path : "");
	if (i->offset)
		printf(", offset %" PRIu64, (uint64_t)i->offset);
	if (i->size_limit)
		printf(", sizelimit %" PRIu64, (uint64_t)i->size_limit);
	putchar('\n');
}

/* ------------------------------------------------------------------ */
/* create                                                             */
/* ------------------------------------------------------------------ */

static int cmd_create(const struct cli_opts *o)
{
	const char *path = o->args[0];
	bool created = true;
	struct stat st;
	int fd, err;

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

	if (o->preallocate) {
		err = posix_fallocate(fd, 0, (off_t)o->size);
		if (err) {
			errmsg("cannot allocate %" PRIu64 " bytes for %s: %s%s",
			       o->size, path, strerror(err),
			       err == ENOSPC ? " (not enough free space)" :
			       err == EFBIG ? " (too large for its filesystem?)" : "");
			close(fd);
			if (created)
				unlink(path);
			return EXIT_FAIL;
		}
	} else if (ftruncate(fd, (off_t)o->size) != 0) {
		err = errno;
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

/* ------------------------------------------------------------------ */
/* add                                                                */
/* ------------------------------------------------------------------ */

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

/* Size of the file or block device open as @fd, or -1. */
static int64_t backing_size(int fd, const struct stat *st)
{
	uint64_t bytes;

	if (S_ISREG(st->st_mode))
		return st->st_size;
	if (S_ISBLK(st->st_mode) && ioctl(fd, BLKGETSIZE64, &bytes) == 0)
		return (int64_t)bytes;
	return -1;
}

/* Why ADD refused the file open as @fd, in words. */
static void report_add_error(const struct cli_opts *o, const struct ctlctx *cx,
			     const char *path, int fd, int err)
{
	uint32_t bs = o->block_size ? o->block_size : SECTOR_SIZE;
	struct devattrs d;
	struct stat st;
	int64_t size;

	if (fstat(fd, &st) != 0)
		st.st_mode = 0;
	switch (err) {
	case EISDIR:
	case ESPIPE:
		errmsg("cannot attach %s: it %s", path, file_kind(st.st_mode));
		return;
	case EBADF:
		errmsg("cannot attach %s: the file is not open for reading", path);
		return;
	case EINVAL:
		if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
			errmsg("cannot attach %s: it %s", path, file_kind(st.st_mode));
			return;
		}
		size = backing_size(fd, &st);
		if (size >= 0 && (uint64_t)size < o->offset + bs) {
			if (o->offset)
				errmsg("cannot attach %s: it is %" PRId64 " bytes, too small for a block of %" PRIu32 " bytes at offset %" PRIu64,
				       path, size, bs, o->offset);
			else
				errmsg("cannot attach %s: it is smaller than %" PRIu32 " bytes",
				       path, bs);
			return;
		}
		if (o->have_size_limit && o->size_limit && o->size_limit < bs) {
			errmsg("cannot attach %s: size limit %" PRIu64 " is smaller than a block of %" PRIu32 " bytes",
			       path, o->size_limit, bs);
			return;
		}
		if (o->dio == VFSBLK_DIO_STRICT) {
			errmsg("cannot attach %s: direct I/O needs the offset and block size to be multiples of the file's direct I/O alignment (try --block-size 4096, or --direct-io=on)",
			       path);
			return;
		}
		errmsg("cannot attach %s: %s (its filesystem may not support the I/O vfsblk needs)",
		       path, strerror(err));
		return;
	case EOPNOTSUPP:
		errmsg("cannot attach %s: its filesystem does not support direct I/O (O_DIRECT); use --direct-io=on to fall back to buffered I/O",
		       path);
		return;
	case ELOOP:
		errmsg("cannot attach %s: it lives on a vfsblk device stacked too deep, or on this very device",
		       path);
		return;
	case EEXIST:
		if (o->have_index && o->name && get_devattrs(cx, o->index, &d) != 0)
			errmsg("cannot attach %s: a device named '%s' already exists",
			       path, o->name);
		else if (o->have_index)
			errmsg("cannot attach %s: " DEV_PREFIX "%" PRIu32 " already exists",
			       path, o->index);
		else
			errmsg("cannot attach %s: a device named '%s' already exists",
			       path, o->name ? o->name : "");
		if (o->have_index && o->name)
			free(d.path);
		return;
	case ENOSPC:
		errmsg("cannot attach %s: no free vfsblk device index", path);
		return;
	case EMFILE:
		errmsg("cannot attach %s: too many open files", path);
		return;
	default:
		errmsg("cannot attach %s: %s%s", path, strerror(err), errno_hint(err));
	}
}

/* The name of the first ABI 2 option @o asks for, or NULL. */
static const char *abi2_option(const struct cli_opts *o)
{
	if (o->have_offset && o->offset)
		return "--offset";
	if (o->have_size_limit && o->size_limit)
		return "--size-limit";
	if (o->block_size && o->block_size != SECTOR_SIZE)
		return "--block-size";
	if (o->have_dio && o->dio != VFSBLK_DIO_OFF)
		return "--direct-io";
	if (o->partscan)
		return "--partscan";
	if (o->name)
		return "--name";
	if (o->queues)
		return "--queues";
	if (o->queue_depth)
		return "--queue-depth";
	return NULL;
}

/* Words for why direct I/O is not in effect as @i asked. */
static void dio_note(const char *node, const struct vfsblk_info *i)
{
	bool want = i->dio_request != VFSBLK_DIO_OFF;
	bool have = i->dio != VFSBLK_DIO_OFF;

	if (want == have)
		return;
	if (!have && i->dio_reason == VFSBLK_DIO_REASON_UNSUPPORTED)
		errmsg("note: %s uses buffered I/O, not direct I/O: the backing file's filesystem does not support direct I/O",
		       node);
	else if (!have && i->dio_reason == VFSBLK_DIO_REASON_ALIGNMENT)
		errmsg("note: %s uses buffered I/O, not direct I/O: block size %" PRIu32 " or offset %" PRIu64 " is not a multiple of the file's direct I/O alignment (%" PRIu32 " bytes; try --block-size %" PRIu32 ")",
		       node, i->block_size, (uint64_t)i->offset, i->dio_align,
		       i->dio_align >= 512 && i->dio_align <= 4096 ? i->dio_align : 4096);
	else
		errmsg("note: %s uses %s I/O, not the %s I/O asked (reason: %s)",
		       node, have ? "direct" : "buffered",
		       want ? "direct" : "buffered", dio_reason_name(i->dio_reason));
}

/* Check @o against what the module supports; reports and returns non-zero. */
static int check_add_support(const struct cli_opts *o, const struct ctlctx *cx,
			     const char *path)
{
	const char *opt;

	if (cx->abi == 0)
		return 0;	/* ADD will say what is wrong */
	if (cx->abi < 2) {
		opt = abi2_option(o);
		if (opt) {
			errmsg("cannot attach %s: %s needs vfsblk ABI 2, the loaded module has ABI %" PRIu32 " (load a newer vfsblk module)",
			       path, opt, cx->abi);
			return -1;
		}
		return 0;
	}
	if (o->partscan && !(cx->features.add_flags & VFSBLK_FLAG_PARTSCAN)) {
		errmsg("cannot attach %s: the loaded vfsblk module does not support --partscan",
		       path);
		return -1;
	}
	if (o->partscan && cx->features.minors == 1) {
		errmsg("cannot attach %s: --partscan needs room for partitions, and the module was loaded with minors=1 (reload it with e.g. minors=16)",
		       path);
		return -1;
	}
	return 0;
}

/* losetup -f without FILE: the first free device, as losetup prints it. */
static int find_free(const struct ctlctx *cx)
{
	uint32_t *indices = NULL, count = 0, free_idx = 0;
	char node[NAME_BUF];
	int ret;

	ret = ctl_list(cx->fd, &indices, &count);
	if (ret) {
		errmsg("cannot list devices: %s%s", strerror(-ret), errno_hint(-ret));
		return EXIT_FAIL;
	}
	for (uint32_t i = 0; i < count && indices[i] == free_idx; i++)
		free_idx++;
	free(indices);
	if (cx->abi && free_idx > cx->features.max_index) {
		errmsg("cannot find a free device: no free vfsblk device index");
		return EXIT_FAIL;
	}
	dev_name(free_idx, node, sizeof(node));
	printf("%s\n", node);
	return EXIT_OK;
}

/*
 * Create the device @o asks for on the control node @cx, waiting for its
 * node; with @owned, *@owner_fd gets its owner descriptor. Returns
 * EXIT_OK with *@index set, or EXIT_FAIL after reporting.
 */
static int add_device(const struct cli_opts *o, struct ctlctx *cx, bool owned,
		      uint32_t *index, int *owner_fd)
{
	const char *path = o->args[0];
	bool ro = o->read_only, forced_ro = false;
	struct vfsblk_add add;
	struct devattrs d;
	char node[NAME_BUF];
	struct stat st;
	int fd, ret;

	if (check_add_support(o, cx, path))
		return EXIT_FAIL;

	fd = open_backing(path, ro ? O_RDONLY : O_RDWR);
	if (fd < 0 && !ro && (errno == EACCES || errno == EROFS)) {
		int err = errno;

		fd = open_backing(path, O_RDONLY);
		if (fd >= 0) {
			errmsg("%s: write access denied (%s), attaching read-only",
			       path, strerror(err));
			forced_ro = true;
		} else {
			errno = err;
		}
	}
	if (fd < 0) {
		int err = errno;

		if (stat(path, &st) == 0 && !S_ISREG(st.st_mode) &&
		    !S_ISBLK(st.st_mode) && err != EACCES)
			errmsg("cannot open %s: it %s", path, file_kind(st.st_mode));
		else
			errmsg("cannot open %s: %s", path, strerror(err));
		return EXIT_FAIL;
	}

	memset(&add, 0, sizeof(add));
	add.fd = fd;
	add.index = o->have_index ? o->index : VFSBLK_INDEX_ANY;
	if (ro || (forced_ro && cx->abi < 2))
		add.flags |= VFSBLK_FLAG_READ_ONLY;
	if (o->autoclear)
		add.flags |= VFSBLK_FLAG_AUTOCLEAR;
	if (o->partscan)
		add.flags |= VFSBLK_FLAG_PARTSCAN;
	if (owned)
		add.flags |= VFSBLK_FLAG_OWNED;
	if (cx->abi != 1) {
		add.block_size = o->block_size;
		add.offset = o->offset;
		add.size_limit = o->size_limit;
		add.dio = o->dio;
		add.nr_queues = o->queues;
		add.queue_depth = o->queue_depth;
		if (o->name)
			strncpy(add.name, o->name, sizeof(add.name) - 1);
	}

	ret = ctl_add(cx->fd, &add, cx->abi == 1 ? VFSBLK_ADD_SIZE_VER0 : sizeof(add));
	if (ret) {
		report_add_error(o, cx, path, fd, -ret);
		close(fd);
		return EXIT_FAIL;
	}
	if (owned)
		*owner_fd = add.owner_fd;

	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && !o->size_limit &&
	    st.st_size > (off_t)o->offset &&
	    (st.st_size - (off_t)o->offset) % (o->block_size ? o->block_size : SECTOR_SIZE))
		errmsg("warning: %s: size is not a multiple of the block size; the last %lld bytes are ignored",
		       path, (long long)((st.st_size - (off_t)o->offset) %
					 (o->block_size ? o->block_size : SECTOR_SIZE)));
	close(fd);	/* the device holds its own reference */

	dev_name(add.index, node, sizeof(node));
	if (cx->abi >= 2 && get_devattrs(cx, add.index, &d) == 0) {
		dio_note(node, &d.info);
		free(d.path);
	}
	if (wait_for_node(add.index, node))
		errmsg("warning: %s was created but its node did not appear within %d s (is udev or devtmpfs working?)",
		       node, NODE_WAIT_MS / 1000);
	*index = add.index;
	return EXIT_OK;
}

static int cmd_add(const struct cli_opts *o)
{
	struct ctlctx cx;
	char node[NAME_BUF];
	uint32_t index;
	int rc;

	if (open_ctl(&cx))
		return EXIT_FAIL;
	if (o->find && o->nargs == 0)
		rc = find_free(&cx);
	else
		rc = add_device(o, &cx, false, &index, NULL);
	close_ctl(&cx);
	if (rc == EXIT_OK && !(o->find && o->nargs == 0) &&
	    (!o->losetup || o->show)) {
		dev_name(index, node, sizeof(node));
		printf("%s\n", node);
	}
	return rc;
}

/*
 * run: a device held by an owner descriptor for the life of a command.
 * The descriptor is close-on-exec: only this process holds it, and the
 * device goes when it exits, whatever way.
 */
static int cmd_run_owned(const struct cli_opts *o)
{
	struct sigaction ign = { .sa_handler = SIG_IGN }, oint, oquit;
	struct ctlctx cx;
	char node[NAME_BUF];
	uint32_t index;
	int owner = -1, status, rc;
	pid_t pid;

	if (open_ctl(&cx))
		return EXIT_FAIL;
	if (cx.abi && !(cx.features.add_flags & VFSBLK_FLAG_OWNED)) {
		errmsg("cannot attach %s: the loaded vfsblk module has no owner descriptors (ABI %" PRIu32 ", run needs ABI 2)",
		       o->args[0], cx.abi);
		close_ctl(&cx);
		return EXIT_FAIL;
	}
	rc = add_device(o, &cx, true, &index, &owner);
	close_ctl(&cx);
	if (rc != EXIT_OK)
		return rc;
	dev_name(index, node, sizeof(node));

	fflush(stdout);
	sigaction(SIGINT, &ign, &oint);
	sigaction(SIGQUIT, &ign, &oquit);
	pid = fork();
	if (pid == 0) {
		sigaction(SIGINT, &oint, NULL);
		sigaction(SIGQUIT, &oquit, NULL);
		setenv("VFSBLK_DEVICE", node, 1);
		execvp(o->args[1], o->args + 1);
		errmsg("cannot run %s: %s", o->args[1], strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	if (pid < 0) {
		errmsg("cannot run %s: %s", o->args[1], strerror(errno));
		rc = EXIT_FAIL;
	} else {
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		rc = WIFEXITED(status) ? WEXITSTATUS(status) :
		     128 + WTERMSIG(status);
	}
	sigaction(SIGINT, &oint, NULL);
	sigaction(SIGQUIT, &oquit, NULL);
	close(owner);	/* the device goes now, or at its last close */
	return rc;
}

/* ------------------------------------------------------------------ */
/* remove                                                             */
/* ------------------------------------------------------------------ */

/* Remove device @index; reports and returns EXIT_FAIL on failure. */
static int remove_one(const struct cli_opts *o, const struct ctlctx *cx,
		      uint32_t index)
{
	uint32_t flags = o->lazy ? VFSBLK_REMOVE_DEFERRED : 0;
	uint32_t result = 0;
	char name[NAME_BUF], why[PATH_MAX + 32];
	int ret;

	dev_name(index, name, sizeof(name));
	ret = ctl_remove(cx->fd, index, flags, &result);
	if (ret == -EBUSY) {
		errmsg("cannot remove %s: device is in use%s; use --lazy to remove it at its last close",
		       name, busy_why(index, why, sizeof(why)));
	} else if (ret == -ENODEV) {
		errmsg("cannot remove %s: no such device", name);
	} else if (ret) {
		errmsg("cannot remove %s: %s%s", name, strerror(-ret),
		       errno_hint(-ret));
	} else {
		if (result == VFSBLK_REMOVE_PENDING)
			errmsg("%s: in use, will be removed at last close", name);
		return EXIT_OK;
	}
	return EXIT_FAIL;
}

/*
 * Every device, or those backed by the file @st (when not NULL), into
 * *@idx (malloc'ed) and *@n. Returns 0, or EXIT_FAIL after reporting.
 */
static int devices_of(const struct ctlctx *cx, const struct stat *st,
		      uint32_t **idx, uint32_t *n)
{
	uint32_t *indices = NULL, count = 0, k = 0;
	int ret;

	ret = ctl_list(cx->fd, &indices, &count);
	if (ret) {
		errmsg("cannot list devices: %s%s", strerror(-ret), errno_hint(-ret));
		return EXIT_FAIL;
	}
	for (uint32_t i = 0; i < count; i++) {
		struct devattrs d;

		if (!st) {
			indices[k++] = indices[i];
			continue;
		}
		if (get_devattrs(cx, indices[i], &d) != 0)
			continue;	/* removed since LIST */
		if (backed_by(&d, st))
			indices[k++] = indices[i];
		free(d.path);
	}
	*idx = indices;
	*n = k;
	return 0;
}

/* struct devarg - a DEV|N|FILE argument, resolved. */
struct devarg {
	enum arg_kind kind;
	uint32_t index;
	struct stat st;
};

/*
 * Resolve every argument of @o into *@args (malloc'ed). Returns EXIT_OK,
 * or EXIT_USAGE / EXIT_FAIL after reporting the first that names nothing.
 */
static int resolve_args(const struct cli_opts *o, struct devarg **args)
{
	*args = calloc((size_t)o->nargs + 1, sizeof(**args));
	if (!*args) {
		errmsg("%s: %s", o->cmd->name, strerror(ENOMEM));
		return EXIT_FAIL;
	}
	for (int a = 0; a < o->nargs; a++) {
		struct devarg *r = &(*args)[a];

		r->kind = resolve_arg(o->args[a], &r->index, &r->st);
		if (r->kind != ARG_NONE)
			continue;
		if (errno == ENOENT)
			errmsg("%s: '%s' is neither a vfsblk device (" DEV_PREFIX "N, vfsblkN or N) nor an existing file",
			       o->cmd->name, o->args[a]);
		else
			errmsg("%s: cannot look up %s: %s", o->cmd->name,
			       o->args[a], strerror(errno));
		free(*args);
		*args = NULL;
		return errno == ENOENT ? EXIT_USAGE : EXIT_FAIL;
	}
	return EXIT_OK;
}

static int cmd_remove(const struct cli_opts *o)
{
	struct devarg *args;
	struct ctlctx cx;
	uint32_t *idx, n;
	int rc;

	rc = resolve_args(o, &args);
	if (rc != EXIT_OK)
		return rc;
	if (open_ctl(&cx)) {
		free(args);
		return EXIT_FAIL;
	}

	if (o->all) {
		if (devices_of(&cx, NULL, &idx, &n) == 0) {
			for (uint32_t i = 0; i < n; i++)
				if (remove_one(o, &cx, idx[i]))
					rc = EXIT_FAIL;
			free(idx);
		} else {
			rc = EXIT_FAIL;
		}
	}

	for (int a = 0; a < o->nargs; a++) {
		if (args[a].kind == ARG_DEV) {
			if (remove_one(o, &cx, args[a].index))
				rc = EXIT_FAIL;
			continue;
		}
		if (devices_of(&cx, &args[a].st, &idx, &n)) {
			rc = EXIT_FAIL;
			continue;
		}
		if (n == 0) {
			errmsg("cannot remove %s: no vfsblk device is backed by it",
			       o->args[a]);
			rc = EXIT_FAIL;
		}
		for (uint32_t i = 0; i < n; i++)
			if (remove_one(o, &cx, idx[i]))
				rc = EXIT_FAIL;
		free(idx);
	}

	free(args);
	close_ctl(&cx);
	return rc;
}

/* ------------------------------------------------------------------ */
/* list and info                                                      */
/* ------------------------------------------------------------------ */

/* The columns of list, from -o, --output-all or the defaults. */
static int list_columns(const struct cli_opts *o, int *cols, size_t *ncols)
{
	const int *def = o->losetup ? losetup_default_cols : list_default_cols;
	size_t ndef = o->losetup ? losetup_default_ncols : list_default_ncols;
	char err[128];

	if (o->output_all) {
		for (int i = 0; i < COL_COUNT; i++)
			cols[i] = i;
		*ncols = COL_COUNT;
	} else if (o->output) {
		if (cols_parse(o->output, def, ndef, cols, ncols, err, sizeof(err))) {
			errmsg("%s: %s (see '" VFSBLKCTL_NAME " list --help')",
			       o->losetup ? "--output" : "list", err);
			return EXIT_USAGE;
		}
	} else {
		memcpy(cols, def, ndef * sizeof(*def));
		*ncols = ndef;
	}
	return EXIT_OK;
}

/* The DEV arguments of list into *@idx (malloc'ed); reported if not. */
static int list_args(const struct cli_opts *o, uint32_t **idx)
{
	struct stat st;

	*idx = calloc((size_t)o->nargs + 1, sizeof(**idx));
	if (!*idx) {
		errmsg("list: %s", strerror(ENOMEM));
		return EXIT_FAIL;
	}
	for (int i = 0; i < o->nargs; i++) {
		if (resolve_arg(o->args[i], &(*idx)[i], &st) != ARG_DEV) {
			errmsg("%s: '%s' is not a vfsblk device (use " DEV_PREFIX "N, vfsblkN or N)",
			       o->losetup ? VFSBLKCTL_NAME : "list", o->args[i]);
			free(*idx);
			*idx = NULL;
			return EXIT_USAGE;
		}
	}
	return EXIT_OK;
}

static int cmd_list(const struct cli_opts *o)
{
	struct libscols_table *tb = NULL;
	int cols[COLS_MAX > COL_COUNT ? COLS_MAX : COL_COUNT];
	uint32_t *indices = NULL, count = 0;
	struct stat assoc;
	struct ctlctx cx;
	size_t ncols = 0;
	int ret, rc;

	rc = list_columns(o, cols, &ncols);
	if (rc != EXIT_OK)
		return rc;
	if (o->associated && stat(o->associated, &assoc) != 0) {
		errmsg("cannot look up %s: %s", o->associated, strerror(errno));
		return EXIT_FAIL;
	}
	if (o->nargs) {
		rc = list_args(o, &indices);
		if (rc != EXIT_OK)
			return rc;
		count = (uint32_t)o->nargs;
	}
	if (open_ctl(&cx)) {
		free(indices);
		return EXIT_FAIL;
	}
	if (!o->nargs &&
	    devices_of(&cx, o->associated ? &assoc : NULL, &indices, &count)) {
		close_ctl(&cx);
		return EXIT_FAIL;
	}

	if (!o->old_format) {
		tb = new_table(cols, ncols, o);
		if (!tb) {
			free(indices);
			close_ctl(&cx);
			return EXIT_FAIL;
		}
	}

	for (uint32_t i = 0; i < count; i++) {
		struct devattrs d;

		ret = get_devattrs(&cx, indices[i], &d);
		if (ret == -ENODEV && o->nargs == 0)
			continue;	/* removed since LIST */
		if (ret) {
			report_info_error(indices[i], -ret);
			rc = EXIT_FAIL;
			continue;
		}
		if ((o->associated && o->nargs && !backed_by(&d, &assoc)) ||
		    (o->associated && o->have_offset && d.info.offset != o->offset)) {
			free(d.path);
			continue;
		}
		if (o->old_format) {
			print_old_format(&d);
			free(d.path);
			continue;
		}
		ret = add_table_row(tb, cols, ncols, &d, !o->bytes && !o->json);
		free(d.path);
		if (ret) {
			errmsg("cannot fill the output table: %s", strerror(-ret));
			rc = EXIT_FAIL;
			break;
		}
	}

	if (tb) {
		if (print_table(tb, cols, ncols, o) != EXIT_OK)
			rc = EXIT_FAIL;
		scols_unref_table(tb);
	}
	free(indices);
	close_ctl(&cx);
	return rc;
}

static int print_info_text(const struct devattrs *d)
{
	for (int col = 0; col < COL_COUNT; col++) {
		const struct colinfo *ci = &colinfos[col];
		char buf[64];
		const char *v = col_value(col, d, false, buf, sizeof(buf));

		if (ci->type == COLT_BOOL)
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
	struct ctlctx cx;
	uint32_t index;
	int ret, rc;

	rc = dev_arg(o, o->args[0], &index);
	if (rc != EXIT_OK)
		return rc;
	if (open_ctl(&cx))
		return EXIT_FAIL;

	ret = get_devattrs(&cx, index, &d);
	close_ctl(&cx);
	if (ret) {
		report_info_error(index, -ret);
		return EXIT_FAIL;
	}

	if (o->old_format) {
		print_old_format(&d);
		rc = EXIT_OK;
	} else {
		rc = o->json ? print_info_json(&d, o) : print_info_text(&d);
	}
	free(d.path);
	return rc;
}

/* ------------------------------------------------------------------ */
/* resize and set                                                     */
/* ------------------------------------------------------------------ */

/* Why SET refused to change device @index, in words. */
static void report_set_error(const struct cli_opts *o, uint32_t index, int err)
{
	const char *what = o->cmd->id == CMD_RESIZE ? "resize" : "change";
	char name[NAME_BUF], why[PATH_MAX + 32];

	dev_name(index, name, sizeof(name));
	switch (err) {
	case ENODEV:
		errmsg("cannot %s %s: no such device", what, name);
		break;
	case EBUSY:
		errmsg("cannot %s %s: device is in use%s; shrinking it or changing its offset, block size or read-only state needs a device nobody has open",
		       what, name, busy_why(index, why, sizeof(why)));
		break;
	case EINVAL:
		errmsg("cannot %s %s: a value is out of range, or the device would be smaller than one block",
		       what, name);
		break;
	case EBADF:
		errmsg("cannot %s %s: its backing file cannot be written (it was opened read-only, or is on a read-only filesystem)",
		       what, name);
		break;
	case EOPNOTSUPP:
		errmsg("cannot %s %s: the backing file's filesystem does not support direct I/O (O_DIRECT); use --direct-io=on to fall back to buffered I/O",
		       what, name);
		break;
	default:
		errmsg("cannot %s %s: %s%s", what, name, strerror(err),
		       errno_hint(err));
	}
}

/* Send @set to device @index; reports. Returns EXIT_OK or EXIT_FAIL. */
static int do_set(const struct cli_opts *o, struct ctlctx *cx, uint32_t index,
		  struct vfsblk_set *set)
{
	char name[NAME_BUF];
	uint64_t missing;
	int ret;

	dev_name(index, name, sizeof(name));
	if (cx->abi && cx->abi < 2) {
		errmsg("cannot %s %s: this needs vfsblk ABI 2, the loaded module has ABI %" PRIu32 " (load a newer vfsblk module)",
		       o->cmd->id == CMD_RESIZE ? "resize" : "change", name, cx->abi);
		return EXIT_FAIL;
	}
	missing = set->change & ~cx->features.set_changes;
	if (cx->abi && missing) {
		errmsg("cannot change %s: the loaded vfsblk module does not support this change (0x%" PRIx64 ")",
		       name, missing);
		return EXIT_FAIL;
	}
	set->index = index;
	ret = ctl_set(cx->fd, set);
	if (ret) {
		report_set_error(o, index, -ret);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

static int cmd_resize(const struct cli_opts *o)
{
	struct vfsblk_set set;
	struct ctlctx cx;
	uint32_t index;
	char name[NAME_BUF], human[SIZE_HUMAN_LEN];
	int rc;

	rc = dev_arg(o, o->args[0], &index);
	if (rc != EXIT_OK)
		return rc;
	if (open_ctl(&cx))
		return EXIT_FAIL;

	memset(&set, 0, sizeof(set));
	if (o->have_size_limit) {
		set.change = VFSBLK_SET_SIZE_LIMIT;
		set.size_limit = o->size_limit;
	} else {
		set.change = VFSBLK_SET_CAPACITY;
	}
	rc = do_set(o, &cx, index, &set);
	close_ctl(&cx);
	if (rc == EXIT_OK && !o->losetup) {
		dev_name(index, name, sizeof(name));
		printf("%s: %" PRIu64 " bytes (%s)\n", name, (uint64_t)set.capacity,
		       size_to_human(set.capacity, human, sizeof(human)));
	}
	return rc;
}

static int cmd_set(const struct cli_opts *o)
{
	struct vfsblk_set set;
	struct devattrs d;
	struct ctlctx cx;
	uint32_t index;
	char name[NAME_BUF];
	int rc;

	rc = dev_arg(o, o->args[0], &index);
	if (rc != EXIT_OK)
		return rc;
	if (open_ctl(&cx))
		return EXIT_FAIL;

	memset(&set, 0, sizeof(set));
	if (o->read_only || o->read_write) {
		set.change |= VFSBLK_SET_READ_ONLY;
		set.flags = o->read_only ? VFSBLK_FLAG_READ_ONLY : 0;
	}
	if (o->have_dio) {
		set.change |= VFSBLK_SET_DIO;
		set.dio = o->dio;
	}
	if (o->block_size) {
		set.change |= VFSBLK_SET_BLOCK_SIZE;
		set.block_size = o->block_size;
	}
	if (o->have_offset) {
		set.change |= VFSBLK_SET_OFFSET;
		set.offset = o->offset;
	}
	if (o->have_size_limit) {
		set.change |= VFSBLK_SET_SIZE_LIMIT;
		set.size_limit = o->size_limit;
	}
	rc = do_set(o, &cx, index, &set);
	if (rc == EXIT_OK && o->have_dio && get_devattrs(&cx, index, &d) == 0) {
		dev_name(index, name, sizeof(name));
		dio_note(name, &d.info);
		free(d.path);
	}
	close_ctl(&cx);
	return rc;
}

/* ------------------------------------------------------------------ */
/* help, version, main                                                */
/* ------------------------------------------------------------------ */

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
	[CMD_RESIZE]	= cmd_resize,
	[CMD_SET]	= cmd_set,
	[CMD_RUN]	= cmd_run_owned,
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
		if (o.cmd && !o.losetup)
			usage_cmd(o.cmd);
		usage_main();
	}
	return cmd_run[o.cmd->id](&o);
}
