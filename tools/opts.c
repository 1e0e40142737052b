// SPDX-License-Identifier: GPL-2.0
/*
 * vfsblkctl: the command table and the command line parser.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <linux/vfsblk.h>

#include "opts.h"
#include "size.h"
#include "vfsblkctl.h"

#define HELP_LINE	" -h, --help                 display this help"
#define SECTOR		512

#define LONG_HELP	{ "help",	no_argument,		NULL, OPT_HELP }
#define LONG_END	{ NULL, 0, NULL, 0 }

/* create */
static const struct shortopt create_shorts[] = {
	{ 's', OPT_SIZE }, { 'p', OPT_PREALLOCATE }, { 'f', OPT_FORCE },
	{ 'h', OPT_HELP }, { 0, 0 }
};
static const struct option create_longopts[] = {
	{ "size",	 required_argument,	NULL, OPT_SIZE },
	{ "preallocate", no_argument,		NULL, OPT_PREALLOCATE },
	{ "force",	 no_argument,		NULL, OPT_FORCE },
	LONG_HELP,
	LONG_END
};
static const char *const create_help[] = {
	" -s, --size SIZE            size of the file in bytes; may end in K, M, G, T",
	"                              or KiB, MiB, GiB, TiB (powers of 1024)",
	" -p, --preallocate          allocate the blocks now instead of a sparse file",
	" -f, --force                overwrite FILE if it already exists",
	HELP_LINE,
	NULL
};

/* add: every device option of the ABI */
static const struct shortopt add_shorts[] = {
	{ 'o', OPT_OFFSET }, { 'S', OPT_SIZE_LIMIT }, { 'r', OPT_READ_ONLY },
	{ 'b', OPT_BLOCK_SIZE }, { 'P', OPT_PARTSCAN }, { 'a', OPT_AUTOCLEAR },
	{ 'N', OPT_NAME }, { 'i', OPT_INDEX }, { 'h', OPT_HELP }, { 0, 0 }
};
static const struct option add_longopts[] = {
	{ "offset",	 required_argument,	NULL, OPT_OFFSET },
	{ "size-limit",	 required_argument,	NULL, OPT_SIZE_LIMIT },
	{ "sizelimit",	 required_argument,	NULL, OPT_SIZE_LIMIT },
	{ "read-only",	 no_argument,		NULL, OPT_READ_ONLY },
	{ "block-size",	 required_argument,	NULL, OPT_BLOCK_SIZE },
	{ "direct-io",	 optional_argument,	NULL, OPT_DIRECT_IO },
	{ "partscan",	 no_argument,		NULL, OPT_PARTSCAN },
	{ "autoclear",	 no_argument,		NULL, OPT_AUTOCLEAR },
	{ "name",	 required_argument,	NULL, OPT_NAME },
	{ "index",	 required_argument,	NULL, OPT_INDEX },
	{ "queues",	 required_argument,	NULL, OPT_QUEUES },
	{ "queue-depth", required_argument,	NULL, OPT_QUEUE_DEPTH },
	LONG_HELP,
	LONG_END
};
static const char *const add_help[] = {
	" -o, --offset OFFSET        start the device at OFFSET bytes into FILE",
	" -S, --size-limit SIZE      make the device at most SIZE bytes",
	" -r, --read-only            create a read-only device",
	" -b, --block-size N         logical block size: 512, 1024, 2048 or 4096",
	"     --direct-io[=MODE]     on (default), off or strict: direct I/O on FILE;",
	"                              on falls back to buffered I/O and says why",
	" -P, --partscan             scan the partition table: /dev/vfsblkNpM",
	" -a, --autoclear            remove the device at its last close",
	" -N, --name NAME            name the device: /dev/vfsblk/by-name/NAME",
	" -i, --index N              create /dev/vfsblkN instead of the first free",
	"     --queues N             hardware queues, 1 to 64 (default: one per CPU)",
	"     --queue-depth N        requests per queue, 1 to 1024 (default 128)",
	HELP_LINE,
	"",
	"OFFSET and SIZE are multiples of 512 and may end in K, M, G, T or KiB,",
	"MiB, GiB, TiB. A FILE that cannot be opened for writing is attached",
	"read-only.",
	NULL
};

/* remove */
static const struct shortopt remove_shorts[] = {
	{ 'l', OPT_LAZY }, { 'a', OPT_ALL }, { 'h', OPT_HELP }, { 0, 0 }
};
static const struct option remove_longopts[] = {
	{ "lazy",	no_argument,		NULL, OPT_LAZY },
	{ "all",	no_argument,		NULL, OPT_ALL },
	LONG_HELP,
	LONG_END
};
static const char *const remove_help[] = {
	" -l, --lazy                 if a device is in use, remove it at its last close",
	" -a, --all                  remove every device",
	HELP_LINE,
	"",
	"DEV is /dev/vfsblkN, vfsblkN, N or another node of the device (such as",
	"/dev/vfsblk/by-name/NAME); a FILE removes every device backed by it.",
	NULL
};

/* list */
static const struct shortopt list_shorts[] = {
	{ 'o', OPT_OUTPUT }, { 'J', OPT_JSON }, { 'n', OPT_NOHEADINGS },
	{ 'b', OPT_BYTES }, { 'j', OPT_ASSOCIATED }, { 'h', OPT_HELP },
	{ 0, 0 }
};
static const struct option list_longopts[] = {
	{ "output",	required_argument,	NULL, OPT_OUTPUT },
	{ "output-all",	no_argument,		NULL, OPT_OUTPUT_ALL },
	{ "json",	no_argument,		NULL, OPT_JSON },
	{ "noheadings",	no_argument,		NULL, OPT_NOHEADINGS },
	{ "raw",	no_argument,		NULL, OPT_RAW },
	{ "bytes",	no_argument,		NULL, OPT_BYTES },
	{ "associated",	required_argument,	NULL, OPT_ASSOCIATED },
	LONG_HELP,
	LONG_END
};
static const char *const list_help[] = {
	" -o, --output COLUMNS       the columns to print, comma-separated; +COLUMNS",
	"                              adds to the default ones",
	"     --output-all           print every column",
	" -J, --json                 use JSON output format (sizes in bytes)",
	" -n, --noheadings           don't print headings",
	"     --raw                  use raw output format",
	" -b, --bytes                print sizes in bytes rather than in human form",
	" -j, --associated FILE      only the devices backed by FILE",
	HELP_LINE,
	"",
	"With DEV arguments, only those devices are listed.",
	NULL
};
static const int list_excl[][EXCL_GROUP_MAX] = {
	{ OPT_JSON, OPT_RAW, 0 },
	{ OPT_OUTPUT, OPT_OUTPUT_ALL, 0 },
	{ 0 }
};

/* info */
static const struct shortopt info_shorts[] = {
	{ 'J', OPT_JSON }, { 'h', OPT_HELP }, { 0, 0 }
};
static const struct option info_longopts[] = {
	{ "json",	no_argument,		NULL, OPT_JSON },
	LONG_HELP,
	LONG_END
};
static const char *const info_help[] = {
	" -J, --json                 use JSON output format",
	HELP_LINE,
	NULL
};

/* resize */
static const struct shortopt resize_shorts[] = {
	{ 'S', OPT_SIZE_LIMIT }, { 'h', OPT_HELP }, { 0, 0 }
};
static const struct option resize_longopts[] = {
	{ "size-limit",	required_argument,	NULL, OPT_SIZE_LIMIT },
	{ "sizelimit",	required_argument,	NULL, OPT_SIZE_LIMIT },
	LONG_HELP,
	LONG_END
};
static const char *const resize_help[] = {
	" -S, --size-limit SIZE      new size limit (0: up to the end of the file)",
	HELP_LINE,
	"",
	"Without --size-limit the size of the backing file is read again. Prints",
	"the new size. Shrinking needs a device nobody has open.",
	NULL
};

/* set */
static const struct shortopt set_shorts[] = {
	{ 'r', OPT_READ_ONLY }, { 'w', OPT_READ_WRITE }, { 'b', OPT_BLOCK_SIZE },
	{ 'o', OPT_OFFSET }, { 'S', OPT_SIZE_LIMIT }, { 'h', OPT_HELP },
	{ 0, 0 }
};
static const struct option set_longopts[] = {
	{ "read-only",	no_argument,		NULL, OPT_READ_ONLY },
	{ "read-write",	no_argument,		NULL, OPT_READ_WRITE },
	{ "direct-io",	optional_argument,	NULL, OPT_DIRECT_IO },
	{ "block-size",	required_argument,	NULL, OPT_BLOCK_SIZE },
	{ "offset",	required_argument,	NULL, OPT_OFFSET },
	{ "size-limit",	required_argument,	NULL, OPT_SIZE_LIMIT },
	{ "sizelimit",	required_argument,	NULL, OPT_SIZE_LIMIT },
	LONG_HELP,
	LONG_END
};
static const char *const set_help[] = {
	" -r, --read-only            make the device read-only",
	" -w, --read-write           make the device writable",
	"     --direct-io[=MODE]     on, off or strict (allowed while in use)",
	" -b, --block-size N         logical block size: 512, 1024, 2048 or 4096",
	" -o, --offset OFFSET        start the device at OFFSET bytes into its file",
	" -S, --size-limit SIZE      new size limit (0: up to the end of the file)",
	HELP_LINE,
	"",
	"Read-only, block size and offset changes, and shrinking, need a device",
	"nobody has open. All changes are made together or not at all.",
	NULL
};
static const int set_need[] = {
	OPT_READ_ONLY, OPT_READ_WRITE, OPT_DIRECT_IO, OPT_BLOCK_SIZE,
	OPT_OFFSET, OPT_SIZE_LIMIT, 0
};
static const int set_excl[][EXCL_GROUP_MAX] = {
	{ OPT_READ_ONLY, OPT_READ_WRITE, 0 },
	{ 0 }
};

/* run: add's options, then FILE and a command */
static const char *const run_help[] = {
	" -o, --offset OFFSET        start the device at OFFSET bytes into FILE",
	" -S, --size-limit SIZE      make the device at most SIZE bytes",
	" -r, --read-only            create a read-only device",
	" -b, --block-size N         logical block size: 512, 1024, 2048 or 4096",
	"     --direct-io[=MODE]     on (default), off or strict",
	" -P, --partscan             scan the partition table",
	" -a, --autoclear            remove the device at its last close",
	" -N, --name NAME            name the device",
	" -i, --index N              create /dev/vfsblkN instead of the first free",
	"     --queues N             hardware queues, 1 to 64",
	"     --queue-depth N        requests per queue, 1 to 1024",
	HELP_LINE,
	"",
	"Creates a device owned by vfsblkctl (an owner descriptor), runs COMMAND",
	"with $VFSBLK_DEVICE set to its node, and removes the device when COMMAND",
	"ends, however it ends (at once, or at its last close if still open).",
	"Exits with COMMAND's status.",
	NULL
};

/* help */
static const struct shortopt help_shorts[] = {
	{ 'h', OPT_HELP }, { 0, 0 }
};
static const struct option help_longopts[] = {
	LONG_HELP,
	LONG_END
};
static const char *const help_help[] = {
	HELP_LINE,
	NULL
};

const struct cmd_spec cmd_specs[CMD_COUNT] = {
	[CMD_CREATE] = {
		.id = CMD_CREATE,
		.name = "create",
		.synopsis = "--size SIZE FILE",
		.summary = "create a backing file, sparse and zero-filled",
		.options_help = create_help,
		.shorts = create_shorts,
		.longopts = create_longopts,
		.min_args = 1, .max_args = 1, .args_name = "FILE",
		.required = OPT_SIZE,
	},
	[CMD_ADD] = {
		.id = CMD_ADD,
		.name = "add",
		.alias = "attach",
		.synopsis = "FILE",
		.summary = "create a device backed by FILE and print its name",
		.options_help = add_help,
		.shorts = add_shorts,
		.longopts = add_longopts,
		.min_args = 1, .max_args = 1, .args_name = "FILE",
	},
	[CMD_REMOVE] = {
		.id = CMD_REMOVE,
		.name = "remove",
		.alias = "detach",
		.synopsis = "DEV|N|FILE...",
		.summary = "remove devices",
		.options_help = remove_help,
		.shorts = remove_shorts,
		.longopts = remove_longopts,
		.min_args = 1, .max_args = -1, .args_name = "DEV",
	},
	[CMD_LIST] = {
		.id = CMD_LIST,
		.name = "list",
		.synopsis = "[DEV...]",
		.summary = "list the devices",
		.options_help = list_help,
		.shorts = list_shorts,
		.longopts = list_longopts,
		.min_args = 0, .max_args = -1, .args_name = "DEV",
		.excl = list_excl,
	},
	[CMD_INFO] = {
		.id = CMD_INFO,
		.name = "info",
		.synopsis = "DEV",
		.summary = "show every attribute of a device",
		.options_help = info_help,
		.shorts = info_shorts,
		.longopts = info_longopts,
		.min_args = 1, .max_args = 1, .args_name = "DEV",
	},
	[CMD_RESIZE] = {
		.id = CMD_RESIZE,
		.name = "resize",
		.synopsis = "DEV",
		.summary = "take the new size of the file, or a size limit",
		.options_help = resize_help,
		.shorts = resize_shorts,
		.longopts = resize_longopts,
		.min_args = 1, .max_args = 1, .args_name = "DEV",
	},
	[CMD_SET] = {
		.id = CMD_SET,
		.name = "set",
		.synopsis = "DEV",
		.summary = "change read-only state, direct I/O or geometry",
		.options_help = set_help,
		.shorts = set_shorts,
		.longopts = set_longopts,
		.min_args = 1, .max_args = 1, .args_name = "DEV",
		.need_one = set_need,
		.excl = set_excl,
	},
	[CMD_RUN] = {
		.id = CMD_RUN,
		.name = "run",
		.synopsis = "FILE [--] COMMAND...",
		.summary = "run a command with a device that goes when it ends",
		.options_help = run_help,
		.shorts = add_shorts,
		.longopts = add_longopts,
		.min_args = 2, .max_args = -1, .args_name = "FILE or COMMAND",
		.in_order = true,
	},
	[CMD_HELP] = {
		.id = CMD_HELP,
		.name = "help",
		.synopsis = "[COMMAND]",
		.summary = "show the help of vfsblkctl or of a command",
		.options_help = help_help,
		.shorts = help_shorts,
		.longopts = help_longopts,
		.min_args = 0, .max_args = 1, .args_name = "COMMAND",
	},
};

/* losetup's options, as util-linux 2.38 spells them. */
static const struct shortopt losetup_shorts[] = {
	{ 'a', OPT_ALL }, { 'b', OPT_BLOCK_SIZE }, { 'c', OPT_SET_CAPACITY },
	{ 'd', OPT_DETACH }, { 'D', OPT_DETACH_ALL }, { 'f', OPT_FIND },
	{ 'h', OPT_HELP }, { 'j', OPT_ASSOCIATED }, { 'J', OPT_JSON },
	{ 'l', OPT_LIST }, { 'n', OPT_NOHEADINGS }, { 'o', OPT_OFFSET },
	{ 'O', OPT_OUTPUT }, { 'P', OPT_PARTSCAN }, { 'r', OPT_READ_ONLY },
	{ 'V', OPT_VERSION }, { 0, 0 }
};
static const struct option losetup_longopts[] = {
	{ "all",	  no_argument,		NULL, OPT_ALL },
	{ "sector-size",  required_argument,	NULL, OPT_BLOCK_SIZE },
	{ "set-capacity", required_argument,	NULL, OPT_SET_CAPACITY },
	{ "detach",	  required_argument,	NULL, OPT_DETACH },
	{ "detach-all",	  no_argument,		NULL, OPT_DETACH_ALL },
	{ "find",	  no_argument,		NULL, OPT_FIND },
	{ "associated",	  required_argument,	NULL, OPT_ASSOCIATED },
	{ "json",	  no_argument,		NULL, OPT_JSON },
	{ "list",	  no_argument,		NULL, OPT_LIST },
	{ "noheadings",	  no_argument,		NULL, OPT_NOHEADINGS },
	{ "offset",	  required_argument,	NULL, OPT_OFFSET },
	{ "output",	  required_argument,	NULL, OPT_OUTPUT },
	{ "output-all",	  no_argument,		NULL, OPT_OUTPUT_ALL },
	{ "partscan",	  no_argument,		NULL, OPT_PARTSCAN },
	{ "read-only",	  no_argument,		NULL, OPT_READ_ONLY },
	{ "raw",	  no_argument,		NULL, OPT_RAW },
	{ "show",	  no_argument,		NULL, OPT_SHOW },
	{ "sizelimit",	  required_argument,	NULL, OPT_SIZE_LIMIT },
	{ "direct-io",	  optional_argument,	NULL, OPT_DIRECT_IO },
	{ "version",	  no_argument,		NULL, OPT_VERSION },
	LONG_HELP,
	LONG_END
};
static const char *const losetup_help[] = { NULL };

const struct cmd_spec losetup_spec = {
	.id = CMD_LOSETUP,
	.name = "losetup",
	.synopsis = "",
	.summary = "losetup's command line",
	.options_help = losetup_help,
	.shorts = losetup_shorts,
	.longopts = losetup_longopts,
	.min_args = 0, .max_args = -1, .args_name = "DEV",
};

static const struct option main_longopts[] = {
	{ "help",	no_argument,		NULL, OPT_HELP },
	{ "version",	no_argument,		NULL, OPT_VERSION },
	LONG_END
};

const struct cmd_spec *cmd_lookup(const char *name)
{
	for (size_t i = 0; i < CMD_COUNT; i++) {
		const struct cmd_spec *c = &cmd_specs[i];

		if (strcmp(c->name, name) == 0 ||
		    (c->alias && strcmp(c->alias, name) == 0))
			return c;
	}
	return NULL;
}

static int __attribute__((format(printf, 2, 3)))
usage_error(struct cli_opts *o, const char *fmt, ...)
{
	size_t len;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(o->errmsg, sizeof(o->errmsg), fmt, ap);
	va_end(ap);

	len = strlen(o->errmsg);
	snprintf(o->errmsg + len, sizeof(o->errmsg) - len,
		 " (try '" VFSBLKCTL_NAME "%s%s --help')",
		 o->cmd ? " " : "", o->cmd ? o->cmd->name : "");
	return EXIT_USAGE;
}

/* The long name of option @val, for messages. */
static const char *long_name(const struct option *longopts, int val)
{
	for (; longopts->name; longopts++)
		if (longopts->val == val)
			return longopts->name;
	return "?";
}

/*
 * A getopt_long() error: @c is '?' (unknown option, or an argument given
 * to a long option that takes none) or ':' (missing argument).
 */
static int option_error(struct cli_opts *o, int c, int argc, char **argv)
{
	const char *arg = optind > 0 && optind <= argc ? argv[optind - 1] : "";
	const char *prefix = o->cmd ? o->cmd->name : NULL;
	char what[128];

	if (prefix)
		snprintf(what, sizeof(what), "%s: ", prefix);
	else
		what[0] = '\0';

	if (strncmp(arg, "--", 2) == 0) {
		int n = (int)strcspn(arg, "=");

		if (c == ':')
			return usage_error(o, "%soption '%.*s' requires an argument",
					   what, n, arg);
		if (optopt)
			return usage_error(o, "%soption '%.*s' doesn't allow an argument",
					   what, n, arg);
		return usage_error(o, "%sunrecognized option '%.*s'", what, n, arg);
	}
	if (c == ':')
		return usage_error(o, "%soption '-%c' requires an argument",
				   what, optopt);
	return usage_error(o, "%sinvalid option '-%c'", what, optopt);
}

static const char *prefix_of(const struct cli_opts *o, char *buf, size_t len)
{
	if (o->cmd)
		snprintf(buf, len, "%s: ", o->cmd->name);
	else
		buf[0] = '\0';
	return buf;
}

static int check_excl(struct cli_opts *o, const struct cmd_spec *c,
		      const bool *seen)
{
	char pfx[32];

	if (!c->excl)
		return 0;
	for (size_t g = 0; c->excl[g][0]; g++) {
		int first = 0;

		for (size_t i = 0; i < EXCL_GROUP_MAX && c->excl[g][i]; i++) {
			int val = c->excl[g][i];

			if (!seen[val - OPT_BASE])
				continue;
			if (first)
				return usage_error(o, "%soptions --%s and --%s cannot be combined",
						   prefix_of(o, pfx, sizeof(pfx)),
						   long_name(c->longopts, first),
						   long_name(c->longopts, val));
			first = val;
		}
	}
	return 0;
}

/* getopt_long()'s short option string for @c, in @buf. */
static void build_shortopts(const struct cmd_spec *c, char *buf, size_t len)
{
	size_t n = 0;

	if (c->in_order)
		buf[n++] = '+';
	buf[n++] = ':';
	for (const struct shortopt *s = c->shorts; s->letter && n + 4 < len; s++) {
		int has_arg = no_argument;

		for (const struct option *lo = c->longopts; lo->name; lo++)
			if (lo->val == s->opt) {
				has_arg = lo->has_arg;
				break;
			}
		buf[n++] = s->letter;
		if (has_arg != no_argument)
			buf[n++] = ':';
		if (has_arg == optional_argument)
			buf[n++] = ':';
	}
	buf[n] = '\0';
}

/* The option a short letter @ch stands for in @c, or 0. */
static int short_to_opt(const struct cmd_spec *c, int ch)
{
	for (const struct shortopt *s = c->shorts; s->letter; s++)
		if (s->letter == ch)
			return s->opt;
	return 0;
}

/* A decimal number from @min to @max. Returns 0, or -1. */
static int parse_uint(const char *str, uint32_t min, uint32_t max, uint32_t *val)
{
	uint64_t v = 0;

	if (*str < '0' || *str > '9')
		return -1;
	for (; *str >= '0' && *str <= '9'; str++) {
		v = v * 10 + (uint64_t)(*str - '0');
		if (v > max)
			return -1;
	}
	if (*str || v < min)
		return -1;
	*val = (uint32_t)v;
	return 0;
}

const char *dio_mode_name(uint32_t dio)
{
	switch (dio) {
	case VFSBLK_DIO_OFF:
		return "off";
	case VFSBLK_DIO_ON:
		return "on";
	case VFSBLK_DIO_STRICT:
		return "strict";
	default:
		return "unknown";
	}
}

bool valid_dev_name(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len >= VFSBLK_NAME_LEN || name[0] == '.')
		return false;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' ||
		      *p == '-'))
			return false;
	return true;
}

/* A size option: @opt names it, @zero_ok allows 0, @sectors needs 512s. */
static int parse_size_opt(struct cli_opts *o, const char *opt, const char *arg,
			  bool zero_ok, bool sectors, uint64_t *val)
{
	enum size_err serr;
	char pfx[32];

	prefix_of(o, pfx, sizeof(pfx));
	serr = zero_ok ? parse_size_or_zero(arg, val) : parse_size(arg, val);
	if (serr != SIZE_OK)
		return usage_error(o, "%sinvalid %s '%s': %s", pfx, opt, arg,
				   size_strerror(serr));
	if (sectors && *val % SECTOR)
		return usage_error(o, "%sinvalid %s '%s': not a multiple of %d bytes",
				   pfx, opt, arg, SECTOR);
	return 0;
}

/* Take the value of option @opt (optarg is its argument). */
static int take_option(struct cli_opts *o, int opt)
{
	const char *arg = optarg;
	uint64_t v;
	char pfx[32];

	prefix_of(o, pfx, sizeof(pfx));
	switch (opt) {
	case OPT_HELP:
		o->help = true;
		break;
	case OPT_VERSION:
		o->version = true;
		break;
	case OPT_SIZE:
		if (parse_size_opt(o, "size", arg, false, false, &o->size))
			return EXIT_USAGE;
		o->have_size = true;
		break;
	case OPT_OFFSET:
		if (parse_size_opt(o, "offset", arg, true, true, &o->offset))
			return EXIT_USAGE;
		o->have_offset = true;
		break;
	case OPT_SIZE_LIMIT:
		if (parse_size_opt(o, "size limit", arg, true, true, &o->size_limit))
			return EXIT_USAGE;
		o->have_size_limit = true;
		break;
	case OPT_BLOCK_SIZE:
		if (parse_size(arg, &v) != SIZE_OK ||
		    (v != 512 && v != 1024 && v != 2048 && v != 4096))
			return usage_error(o, "%sinvalid block size '%s': use 512, 1024, 2048 or 4096",
					   pfx, arg);
		o->block_size = (uint32_t)v;
		break;
	case OPT_DIRECT_IO:
		if (!arg || strcmp(arg, "on") == 0)
			o->dio = VFSBLK_DIO_ON;
		else if (strcmp(arg, "off") == 0)
			o->dio = VFSBLK_DIO_OFF;
		else if (strcmp(arg, "strict") == 0)
			o->dio = VFSBLK_DIO_STRICT;
		else
			return usage_error(o, "%sinvalid direct I/O mode '%s': use on, off or strict",
					   pfx, arg);
		o->have_dio = true;
		break;
	case OPT_NAME:
		if (!valid_dev_name(arg))
			return usage_error(o, "%sinvalid name '%s': 1 to %d characters of A-Z a-z 0-9 . _ -, not starting with '.'",
					   pfx, arg, VFSBLK_NAME_LEN - 1);
		o->name = arg;
		break;
	case OPT_INDEX:
		if (parse_dev_index(arg, &o->index))
			return usage_error(o, "%sinvalid index '%s'", pfx, arg);
		o->have_index = true;
		break;
	case OPT_QUEUES:
		if (parse_uint(arg, 1, 64, &o->queues))
			return usage_error(o, "%sinvalid queue count '%s': use 1 to 64",
					   pfx, arg);
		break;
	case OPT_QUEUE_DEPTH:
		if (parse_uint(arg, 1, 1024, &o->queue_depth))
			return usage_error(o, "%sinvalid queue depth '%s': use 1 to 1024",
					   pfx, arg);
		break;
	case OPT_FORCE:
		o->force = true;
		break;
	case OPT_PREALLOCATE:
		o->preallocate = true;
		break;
	case OPT_READ_ONLY:
		o->read_only = true;
		break;
	case OPT_READ_WRITE:
		o->read_write = true;
		break;
	case OPT_PARTSCAN:
		o->partscan = true;
		break;
	case OPT_AUTOCLEAR:
		o->autoclear = true;
		break;
	case OPT_LAZY:
		o->lazy = true;
		break;
	case OPT_ALL:
		o->all = true;
		break;
	case OPT_JSON:
		o->json = true;
		break;
	case OPT_NOHEADINGS:
		o->noheadings = true;
		break;
	case OPT_RAW:
		o->raw = true;
		break;
	case OPT_BYTES:
		o->bytes = true;
		break;
	case OPT_OUTPUT:
		o->output = arg;
		break;
	case OPT_OUTPUT_ALL:
		o->output_all = true;
		break;
	case OPT_ASSOCIATED:
		o->associated = arg;
		break;
	case OPT_FIND:
		o->find = true;
		break;
	case OPT_SHOW:
		o->show = true;
		break;
	case OPT_DETACH:
	case OPT_SET_CAPACITY:
		/* losetup: the device comes first in the arguments. */
		if (o->nargs >= (int)(sizeof(o->argbuf) / sizeof(o->argbuf[0])))
			return usage_error(o, "too many arguments");
		o->argbuf[o->nargs++] = optarg;
		break;
	case OPT_DETACH_ALL:
	case OPT_LIST:
		break;
	default:
		return usage_error(o, "%sinternal error: option %d not handled",
				   pfx, opt);
	}
	return 0;
}

/*
 * Parse the options and arguments of @c into @o; @seen records which
 * options were given.
 */
static int parse_options(int argc, char **argv, const struct cmd_spec *c,
			 struct cli_opts *o, bool *seen)
{
	char shortopts[64];
	int ch;

	build_shortopts(c, shortopts, sizeof(shortopts));
	optind = 0;	/* glibc: full reinitialisation */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, shortopts, c->longopts, NULL)) != -1) {
		int opt = ch;

		if (ch == '?' || ch == ':')
			return option_error(o, ch, argc, argv);
		if (ch <= CHAR_MAX)
			opt = short_to_opt(c, ch);
		if (opt < OPT_BASE || opt >= OPT_MAX)
			return usage_error(o, "internal error: option %d not handled", ch);
		seen[opt - OPT_BASE] = true;
		if (take_option(o, opt))
			return EXIT_USAGE;
		if (o->help)
			return 0;
	}
	return 0;
}

static int parse_command(int argc, char **argv, struct cli_opts *o)
{
	const struct cmd_spec *c = o->cmd;
	bool seen[OPT_MAX - OPT_BASE] = { false };
	int min_args = c->min_args;

	if (parse_options(argc, argv, c, o, seen))
		return EXIT_USAGE;
	if (o->help)
		return 0;

	o->nargs = argc - optind;
	o->args = argv + optind;
	/* run FILE -- COMMAND: the "--" is not part of COMMAND. */
	if (c->in_order && o->nargs > 1 && strcmp(o->args[1], "--") == 0) {
		o->args[1] = o->args[0];
		o->args++;
		o->nargs--;
	}

	if (check_excl(o, c, seen))
		return EXIT_USAGE;
	if (c->required && !seen[c->required - OPT_BASE])
		return usage_error(o, "%s: option --%s is required",
				   c->name, long_name(c->longopts, c->required));
	if (c->need_one) {
		bool any = false;

		for (const int *p = c->need_one; *p; p++)
			any |= seen[*p - OPT_BASE];
		if (!any)
			return usage_error(o, "%s: nothing to change: give at least one option",
					   c->name);
	}
	if (c->id == CMD_REMOVE && o->all) {
		if (o->nargs)
			return usage_error(o, "%s: --all takes no %s argument",
					   c->name, c->args_name);
		min_args = 0;
	}
	if (o->nargs < min_args)
		return usage_error(o, "%s: missing %s argument", c->name, c->args_name);
	if (c->max_args >= 0 && o->nargs > c->max_args)
		return usage_error(o, "%s: unexpected argument '%s'",
				   c->name, o->args[c->max_args]);
	if ((c->id == CMD_ADD || c->id == CMD_RUN) && !o->have_dio)
		o->dio = VFSBLK_DIO_ON;	/* vfsblkctl's default */
	return 0;
}

/* Options of losetup that only make sense when a device is set up. */
static const int losetup_setup_opts[] = {
	OPT_BLOCK_SIZE, OPT_PARTSCAN, OPT_READ_ONLY, OPT_SHOW, OPT_SIZE_LIMIT,
	OPT_DIRECT_IO, 0
};

/* Options of losetup that ask for a listing. */
static const int losetup_list_opts[] = {
	OPT_LIST, OPT_JSON, OPT_OUTPUT, OPT_OUTPUT_ALL, OPT_NOHEADINGS,
	OPT_RAW, 0
};

/* Append the positional arguments after those options gave (-d, -c). */
static int take_args(struct cli_opts *o, int argc, char **argv)
{
	const int room = (int)(sizeof(o->argbuf) / sizeof(o->argbuf[0]));

	for (int i = optind; i < argc; i++) {
		if (o->nargs >= room)
			return usage_error(o, "too many arguments");
		o->argbuf[o->nargs++] = argv[i];
	}
	o->args = o->argbuf;
	return 0;
}

/*
 * losetup's command line, translated: -f FILE and DEV FILE add, -d and -D
 * remove (deferred while in use, as losetup detaches), -c resizes, -a, -j,
 * -l and the output options list, DEV alone shows one device.
 */
static int parse_losetup(int argc, char **argv, struct cli_opts *o)
{
	const struct cmd_spec *c = &losetup_spec;
	bool seen[OPT_MAX - OPT_BASE] = { false };
	bool setup_opt = false, list_opt = false;
	int actions = 0;
	int darg;

	o->losetup = true;
	if (parse_options(argc, argv, c, o, seen))
		return EXIT_USAGE;
	if (o->help || o->version)
		return 0;
	darg = o->nargs;	/* -d and -c arguments, in argbuf */
	if (take_args(o, argc, argv))
		return EXIT_USAGE;

	for (const int *p = losetup_setup_opts; *p; p++)
		setup_opt |= seen[*p - OPT_BASE];
	for (const int *p = losetup_list_opts; *p; p++)
		list_opt |= seen[*p - OPT_BASE];
	actions = seen[OPT_FIND - OPT_BASE] + seen[OPT_DETACH - OPT_BASE] +
		  seen[OPT_DETACH_ALL - OPT_BASE] +
		  seen[OPT_SET_CAPACITY - OPT_BASE] +
		  (seen[OPT_ALL - OPT_BASE] || seen[OPT_ASSOCIATED - OPT_BASE] ||
		   list_opt);
	if (actions > 1)
		return usage_error(o, "only one of -f, -d, -D, -c and the listing options (-a, -j, -l, -O, -J) can be given");
	if (o->raw && o->json)
		return usage_error(o, "options --json and --raw cannot be combined");

	if (seen[OPT_DETACH - OPT_BASE] || seen[OPT_DETACH_ALL - OPT_BASE]) {
		o->cmd = &cmd_specs[CMD_REMOVE];
		o->lazy = true;
		if (seen[OPT_DETACH_ALL - OPT_BASE]) {
			if (o->nargs)
				return usage_error(o, "--detach-all takes no argument");
			o->all = true;
		}
	} else if (seen[OPT_SET_CAPACITY - OPT_BASE]) {
		o->cmd = &cmd_specs[CMD_RESIZE];
		if (o->nargs != 1)
			return usage_error(o, "--set-capacity takes one device");
	} else if (seen[OPT_FIND - OPT_BASE]) {
		o->cmd = &cmd_specs[CMD_ADD];
		if (o->nargs > 1)
			return usage_error(o, "unexpected argument '%s'", o->args[1]);
		if (o->nargs == 0 && (setup_opt || o->have_offset))
			return usage_error(o, "-f without FILE only prints the first free device");
	} else if (actions) {
		o->cmd = &cmd_specs[CMD_LIST];
		o->old_format = !list_opt;
		if (o->all && o->associated)
			return usage_error(o, "options --all and --associated cannot be combined");
		if (o->all && o->nargs)
			return usage_error(o, "--all takes no argument");
	} else if (o->nargs == 2) {
		/* losetup DEV FILE */
		if (parse_dev_index(o->args[0], &o->index))
			return usage_error(o, "'%s' is not a vfsblk device", o->args[0]);
		o->have_index = true;
		o->cmd = &cmd_specs[CMD_ADD];
		o->args++;
		o->nargs--;
	} else if (o->nargs == 1) {
		o->cmd = &cmd_specs[CMD_INFO];
		o->old_format = true;
	} else if (o->nargs == 0) {
		return usage_error(o, "no command given");
	} else {
		return usage_error(o, "unexpected argument '%s'", o->args[2]);
	}

	if (o->cmd->id != CMD_ADD && setup_opt)
		return usage_error(o, "--show, -r, -P, -b, --sizelimit and --direct-io need a device to set up (-f FILE or DEV FILE)");
	if (o->have_offset && o->cmd->id != CMD_ADD && !o->associated)
		return usage_error(o, "--offset needs a device to set up, or --associated");
	if (o->cmd->id == CMD_REMOVE && darg == 0 && !o->all)
		return usage_error(o, "missing DEV argument");
	if (!o->have_dio)
		o->dio = VFSBLK_DIO_OFF;	/* losetup's default */
	return 0;
}

/* Whether @word starts a losetup command line rather than a command. */
static bool is_losetup(const char *word)
{
	uint32_t idx;

	if (word[0] == '-')
		return strcmp(word, "--") != 0;
	return (strncmp(word, "/dev/", 5) == 0 || strncmp(word, "vfsblk", 6) == 0) &&
	       parse_dev_index(word, &idx) == 0;
}

int opts_parse(int argc, char **argv, struct cli_opts *o)
{
	int ch;

	memset(o, 0, sizeof(*o));

	if (argc > 1 && is_losetup(argv[1])) {
		/* vfsblkctl's own --help and --version win. */
		optind = 0;
		opterr = 0;
		ch = getopt_long(argc, argv, "+:hV", main_longopts, NULL);
		if (ch == OPT_HELP || ch == 'h') {
			o->help = true;
			return 0;
		}
		if (ch == OPT_VERSION || ch == 'V') {
			o->version = true;
			return 0;
		}
		return parse_losetup(argc, argv, o);
	}

	/* Global options, up to the command ('+': stop at the first word). */
	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+:hV", main_longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
		case OPT_HELP:
			o->help = true;
			return 0;
		case 'V':
		case OPT_VERSION:
			o->version = true;
			return 0;
		default:
			return option_error(o, ch, argc, argv);
		}
	}

	if (optind >= argc)
		return usage_error(o, "no command given");

	o->cmd = cmd_lookup(argv[optind]);
	if (!o->cmd)
		return usage_error(o, "unknown command '%s'", argv[optind]);

	return parse_command(argc - optind, argv + optind, o);
}

int parse_dev_index(const char *str, uint32_t *index)
{
	const char *p = str;
	uint64_t value = 0;

	if (strncmp(p, "/dev/", 5) == 0) {
		p += 5;
		if (strncmp(p, "vfsblk", 6) != 0)
			return -1;
	}
	if (strncmp(p, "vfsblk", 6) == 0)
		p += 6;

	/* Decimal, without sign or leading zeros, as the kernel names them. */
	if (*p < '0' || *p > '9' || (p[0] == '0' && p[1] != '\0'))
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		value = value * 10 + (uint64_t)(*p - '0');
		if (value >= VFSBLK_INDEX_ANY)
			return -1;
	}
	if (*p)
		return -1;

	*index = (uint32_t)value;
	return 0;
}
