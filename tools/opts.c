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

/* create */
static const struct option create_longopts[] = {
	{ "size",	required_argument,	NULL, OPT_SIZE },
	{ "force",	no_argument,		NULL, OPT_FORCE },
	{ "help",	no_argument,		NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 }
};
static const char *const create_help[] = {
	" -s, --size SIZE            size of the file in bytes; may end in K, M, G, T",
	"                              or KiB, MiB, GiB, TiB (powers of 1024)",
	" -f, --force                overwrite FILE if it already exists",
	HELP_LINE,
	NULL
};

/* add */
static const struct option add_longopts[] = {
	{ "read-only",	no_argument,		NULL, OPT_READ_ONLY },
	{ "autoclear",	no_argument,		NULL, OPT_AUTOCLEAR },
	{ "help",	no_argument,		NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 }
};
static const char *const add_help[] = {
	" -r, --read-only            create a read-only device",
	" -a, --autoclear            remove the device at its last close",
	HELP_LINE,
	NULL
};

/* remove */
static const struct option remove_longopts[] = {
	{ "lazy",	no_argument,		NULL, OPT_LAZY },
	{ "help",	no_argument,		NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 }
};
static const char *const remove_help[] = {
	" -l, --lazy                 if the device is in use, remove it at its last close",
	HELP_LINE,
	NULL
};

/* list */
static const struct option list_longopts[] = {
	{ "json",	no_argument,		NULL, OPT_JSON },
	{ "noheadings",	no_argument,		NULL, OPT_NOHEADINGS },
	{ "raw",	no_argument,		NULL, OPT_RAW },
	{ "bytes",	no_argument,		NULL, OPT_BYTES },
	{ "help",	no_argument,		NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 }
};
static const char *const list_help[] = {
	" -J, --json                 use JSON output format (sizes in bytes)",
	" -n, --noheadings           don't print headings",
	"     --raw                  use raw output format",
	" -b, --bytes                print SIZE in bytes rather than in human form",
	HELP_LINE,
	NULL
};
static const int list_excl[][EXCL_GROUP_MAX] = {
	{ OPT_JSON, OPT_RAW, 0 },
	{ 0 }
};

/* info */
static const struct option info_longopts[] = {
	{ "json",	no_argument,		NULL, OPT_JSON },
	{ "help",	no_argument,		NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 }
};
static const char *const info_help[] = {
	" -J, --json                 use JSON output format",
	HELP_LINE,
	NULL
};

/* help */
static const struct option help_longopts[] = {
	{ "help",	no_argument,		NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 }
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
		.summary = "create a sparse, zero-filled backing file",
		.options_help = create_help,
		.shortopts = ":s:fh",
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
		.shortopts = ":rah",
		.longopts = add_longopts,
		.min_args = 1, .max_args = 1, .args_name = "FILE",
	},
	[CMD_REMOVE] = {
		.id = CMD_REMOVE,
		.name = "remove",
		.alias = "detach",
		.synopsis = "DEV|N...",
		.summary = "remove devices",
		.options_help = remove_help,
		.shortopts = ":lh",
		.longopts = remove_longopts,
		.min_args = 1, .max_args = -1, .args_name = "DEV",
	},
	[CMD_LIST] = {
		.id = CMD_LIST,
		.name = "list",
		.synopsis = "",
		.summary = "list the devices",
		.options_help = list_help,
		.shortopts = ":Jnbh",
		.longopts = list_longopts,
		.min_args = 0, .max_args = 0,
		.excl = list_excl,
	},
	[CMD_INFO] = {
		.id = CMD_INFO,
		.name = "info",
		.synopsis = "DEV|N",
		.summary = "show every attribute of a device",
		.options_help = info_help,
		.shortopts = ":Jh",
		.longopts = info_longopts,
		.min_args = 1, .max_args = 1, .args_name = "DEV",
	},
	[CMD_HELP] = {
		.id = CMD_HELP,
		.name = "help",
		.synopsis = "[COMMAND]",
		.summary = "show the help of vfsblkctl or of a command",
		.options_help = help_help,
		.shortopts = ":h",
		.longopts = help_longopts,
		.min_args = 0, .max_args = 1, .args_name = "COMMAND",
	},
};

static const struct option main_longopts[] = {
	{ "help",	no_argument,		NULL, OPT_HELP },
	{ "version",	no_argument,		NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 }
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

static int check_excl(struct cli_opts *o, const bool *seen)
{
	const struct cmd_spec *c = o->cmd;

	if (!c->excl)
		return 0;
	for (size_t g = 0; c->excl[g][0]; g++) {
		int first = 0;

		for (size_t i = 0; i < EXCL_GROUP_MAX && c->excl[g][i]; i++) {
			int val = c->excl[g][i];

			if (!seen[val])
				continue;
			if (first)
				return usage_error(o, "%s: options --%s and --%s cannot be combined",
						   c->name, long_name(c->longopts, first),
						   long_name(c->longopts, val));
			first = val;
		}
	}
	return 0;
}

static int parse_command(int argc, char **argv, struct cli_opts *o)
{
	const struct cmd_spec *c = o->cmd;
	bool seen[OPT_MAX] = { false };
	enum size_err serr;
	int ch;

	optind = 0;	/* glibc: full reinitialisation */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, c->shortopts, c->longopts, NULL)) != -1) {
		if (ch == '?' || ch == ':')
			return option_error(o, ch, argc, argv);
		if (ch > 0 && ch < OPT_MAX)
			seen[ch] = true;

		switch (ch) {
		case OPT_HELP:
			o->help = true;
			return 0;
		case OPT_SIZE:
			serr = parse_size(optarg, &o->size);
			if (serr != SIZE_OK)
				return usage_error(o, "%s: invalid size '%s': %s",
						   c->name, optarg, size_strerror(serr));
			o->have_size = true;
			break;
		case OPT_FORCE:
			o->force = true;
			break;
		case OPT_READ_ONLY:
			o->read_only = true;
			break;
		case OPT_AUTOCLEAR:
			o->autoclear = true;
			break;
		case OPT_LAZY:
			o->lazy = true;
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
		default:
			return usage_error(o, "%s: internal error: option %d not handled",
					   c->name, ch);
		}
	}

	o->nargs = argc - optind;
	o->args = argv + optind;

	if (check_excl(o, seen))
		return EXIT_USAGE;
	if (c->required && !seen[c->required])
		return usage_error(o, "%s: option --%s is required",
				   c->name, long_name(c->longopts, c->required));
	if (o->nargs < c->min_args)
		return usage_error(o, "%s: missing %s argument", c->name, c->args_name);
	if (c->max_args >= 0 && o->nargs > c->max_args)
		return usage_error(o, "%s: unexpected argument '%s'",
				   c->name, o->args[c->max_args]);
	return 0;
}

int opts_parse(int argc, char **argv, struct cli_opts *o)
{
	int ch;

	memset(o, 0, sizeof(*o));

	/* Global options, up to the command ('+': stop at the first word). */
	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+:hV", main_longopts, NULL)) != -1) {
		switch (ch) {
		case OPT_HELP:
			o->help = true;
			return 0;
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
