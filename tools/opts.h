/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfsblkctl: the command table and the command line parser.
 *
 * Everything here is data and pure parsing, with no system calls, so that
 * the unit tests can link it alone.
 *
 * Two command lines are understood: vfsblkctl's own (a COMMAND word and
 * its options) and losetup's (options only, first word starting with '-',
 * or "DEV [FILE]"), which opts_parse() translates into the same commands
 * with @cli_opts.losetup set.
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
	CMD_RESIZE,
	CMD_SET,
	CMD_RUN,
	CMD_HELP,
	CMD_COUNT,
	CMD_LOSETUP = CMD_COUNT,	/* the losetup command line, not a command */
};

/*
 * Option values, as getopt_long() returns them for long options; short
 * letters are translated through &cmd_spec.shorts, because one letter
 * means different things to different commands (-b, -o, -l).
 */
enum {
	OPT_BASE = CHAR_MAX + 1,
	OPT_HELP = OPT_BASE,
	OPT_VERSION,
	OPT_SIZE,
	OPT_FORCE,
	OPT_PREALLOCATE,
	OPT_OFFSET,
	OPT_SIZE_LIMIT,
	OPT_READ_ONLY,
	OPT_READ_WRITE,
	OPT_BLOCK_SIZE,
	OPT_DIRECT_IO,
	OPT_PARTSCAN,
	OPT_AUTOCLEAR,
	OPT_NAME,
	OPT_INDEX,
	OPT_QUEUES,
	OPT_QUEUE_DEPTH,
	OPT_LAZY,
	OPT_ALL,
	OPT_JSON,
	OPT_NOHEADINGS,
	OPT_RAW,
	OPT_BYTES,
	OPT_OUTPUT,
	OPT_OUTPUT_ALL,
	OPT_ASSOCIATED,
	/* losetup's own */
	OPT_FIND,
	OPT_SHOW,
	OPT_DETACH,
	OPT_DETACH_ALL,
	OPT_LIST,
	OPT_SET_CAPACITY,
	OPT_MAX
};

#define EXCL_GROUP_MAX	6	/* options per mutually exclusive group, 0-ended */

/* struct shortopt - a short option letter and the option it stands for. */
struct shortopt {
	char letter;
	int opt;
};

/*
 * struct cmd_spec - one command: its names, its help and its options.
 * @id: which command.
 * @name: the name, as typed.
 * @alias: another name for it, or NULL.
 * @synopsis: the arguments, for the usage line.
 * @summary: one line of what it does.
 * @options_help: help lines for the options, NULL-terminated.
 * @shorts: the short options, ending with a zero letter.
 * @longopts: getopt_long() long options; every short option has one.
 * @min_args: fewest positional arguments.
 * @max_args: most positional arguments, or -1 for no limit.
 * @args_name: what a positional argument is, for messages.
 * @required: an option that must be given, or 0.
 * @need_one: with @required of 0, a NULL-ended list of options of which at
 *	least one must be given, or NULL.
 * @excl: groups of options that cannot be used together, each ending in 0;
 *	the list ends with an empty group. May be NULL.
 * @in_order: options end at the first argument (what follows belongs
 *	to another program).
 */
struct cmd_spec {
	enum cmd_id id;
	const char *name;
	const char *alias;
	const char *synopsis;
	const char *summary;
	const char *const *options_help;
	const struct shortopt *shorts;
	const struct option *longopts;
	int min_args;
	int max_args;
	const char *args_name;
	int required;
	const int *need_one;
	const int (*excl)[EXCL_GROUP_MAX];
	bool in_order;
};

/* The commands, in the order "vfsblkctl --help" lists them. */
extern const struct cmd_spec cmd_specs[CMD_COUNT];
/* The losetup-compatible command line. */
extern const struct cmd_spec losetup_spec;

/*
 * struct cli_opts - the parsed command line.
 * @cmd: the command, or NULL when only global options were given.
 * @help: --help was given (for @cmd, or globally when @cmd is NULL).
 * @version: --version was given.
 * @losetup: the command came from a losetup command line: losetup's
 *	defaults and output formats apply.
 * @show: losetup --show: print the device that -f set up.
 * @find: losetup -f: with no FILE, print the first free device.
 * @old_format: losetup's one-line-per-device listing (-a, -j, DEV alone).
 * @have_dio: @dio holds a --direct-io mode (VFSBLK_DIO_*).
 * @block_size: --block-size, or 0 when not given.
 * @queues, @queue_depth: --queues, --queue-depth, or 0 when not given.
 * @name: --name, or NULL.
 * @index: --index (or losetup's DEV FILE), valid when @have_index.
 * @output: -o/--output COLUMNS, or NULL.
 * @associated: -j/--associated FILE, or NULL.
 * @nargs: count of positional arguments in @args.
 * @args: the positional arguments (points into argv, or to @argbuf).
 * @errmsg: the usage error, when the parser returned non-zero.
 */
struct cli_opts {
	const struct cmd_spec *cmd;
	bool help;
	bool version;
	bool losetup;
	bool show;
	bool find;
	bool old_format;
	bool force;
	bool preallocate;
	bool read_only;
	bool read_write;
	bool autoclear;
	bool partscan;
	bool lazy;
	bool all;
	bool json;
	bool noheadings;
	bool raw;
	bool bytes;
	bool output_all;
	bool have_size;
	uint64_t size;
	bool have_offset;
	uint64_t offset;
	bool have_size_limit;
	uint64_t size_limit;
	uint32_t block_size;
	bool have_dio;
	uint32_t dio;
	const char *name;
	bool have_index;
	uint32_t index;
	uint32_t queues;
	uint32_t queue_depth;
	const char *output;
	const char *associated;
	int nargs;
	char **args;
	char *argbuf[64];
	char errmsg[512];
};

/* cmd_lookup() - the command named or aliased @name, or NULL. */
const struct cmd_spec *cmd_lookup(const char *name);

/*
 * opts_parse() - parse a whole command line: global options, the command
 * and its options and arguments, or a losetup command line. @argv may be
 * permuted.
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

/*
 * valid_dev_name() - whether @name is a device name the ABI accepts:
 * 1 to VFSBLK_NAME_LEN - 1 characters of [A-Za-z0-9._-], not starting
 * with '.'.
 */
bool valid_dev_name(const char *name);

/* dio_mode_name() - "off", "on" or "strict" for a VFSBLK_DIO_* mode. */
const char *dio_mode_name(uint32_t dio);

#endif /* VFSBLKCTL_OPTS_H */
