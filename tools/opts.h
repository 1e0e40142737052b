/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfsblkctl: the command table and the command line parser.
 *
 * Everything here is data and pure parsing, with no system calls, so that
 * the unit tests can link it alone.
 */
#ifndef VFSBLKCTL_OPTS_H
#define VFSBLKCTL_OPTS_H

#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

enum cmd_id {
	CMD_CREATE,
	CMD_ADD,
	CMD_REMOVE,
	CMD_LIST,
	CMD_INFO,
	CMD_HELP,
	CMD_COUNT
};

/* Option values: a short option letter, or a long-only value above CHAR_MAX. */
enum {
	OPT_AUTOCLEAR	= 'a',
	OPT_BYTES	= 'b',
	OPT_FORCE	= 'f',
	OPT_HELP	= 'h',
	OPT_JSON	= 'J',
	OPT_LAZY	= 'l',
	OPT_NOHEADINGS	= 'n',
	OPT_READ_ONLY	= 'r',
	OPT_SIZE	= 's',
	OPT_VERSION	= 'V',
	OPT_RAW		= CHAR_MAX + 1,
	OPT_MAX
};

#define EXCL_GROUP_MAX	4	/* options per mutually exclusive group, 0-ended */

/*
 * struct cmd_spec - one command: its names, its help and its options.
 * @id: which command.
 * @name: the name, as typed.
 * @alias: another name for it, or NULL.
 * @synopsis: the arguments, for the usage line.
 * @summary: one line of what it does.
 * @options_help: help lines for the options, NULL-terminated.
 * @shortopts: getopt_long() short options; always starts with ':'.
 * @longopts: getopt_long() long options.
 * @min_args: fewest positional arguments.
 * @max_args: most positional arguments, or -1 for no limit.
 * @args_name: what a positional argument is, for messages.
 * @required: an option that must be given, or 0.
 * @excl: groups of options that cannot be used together, each ending in 0;
 *	the list ends with an empty group. May be NULL.
 */
struct cmd_spec {
	enum cmd_id id;
	const char *name;
	const char *alias;
	const char *synopsis;
	const char *summary;
	const char *const *options_help;
	const char *shortopts;
	const struct option *longopts;
	int min_args;
	int max_args;
	const char *args_name;
	int required;
	const int (*excl)[EXCL_GROUP_MAX];
};

/* The commands, in the order "vfsblkctl --help" lists them. */
extern const struct cmd_spec cmd_specs[CMD_COUNT];

/*
 * struct cli_opts - the parsed command line.
 * @cmd: the command, or NULL when only global options were given.
 * @help: --help was given (for @cmd, or globally when @cmd is NULL).
 * @version: --version was given.
 * @size: the --size, in bytes, valid when @have_size.
 * @nargs: count of positional arguments in @args.
 * @args: the positional arguments (points into argv).
 * @errmsg: the usage error, when the parser returned non-zero.
 */
struct cli_opts {
	const struct cmd_spec *cmd;
	bool help;
	bool version;
	bool force;
	bool read_only;
	bool autoclear;
	bool lazy;
	bool json;
	bool noheadings;
	bool raw;
	bool bytes;
	bool have_size;
	uint64_t size;
	int nargs;
	char **args;
	char errmsg[512];
};

/* cmd_lookup() - the command named or aliased @name, or NULL. */
const struct cmd_spec *cmd_lookup(const char *name);

/*
 * opts_parse() - parse a whole command line: global options, the command
 * and its options and arguments. @argv may be permuted.
 *
 * Returns 0 (check @o->help and @o->version first), or EXIT_USAGE with a
 * one-line message in @o->errmsg (without the "vfsblkctl: " prefix).
 */
int opts_parse(int argc, char **argv, struct cli_opts *o);

/*
 * parse_dev_index() - parse a device given as /dev/vfsblkN, vfsblkN or N.
 * Returns 0 and sets @index, or -1 if @str is none of those.
 */
int parse_dev_index(const char *str, uint32_t *index);

#endif /* VFSBLKCTL_OPTS_H */
