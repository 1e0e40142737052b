// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of opts.c: the command table, option parsing and device names.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <linux/vfsblk.h>

#include "opts.h"
#include "vfsblkctl.h"
#include "test.h"

#define MAX_ARGS 16

/* Parse the blank-separated words of @line as vfsblkctl's argv. */
static int parse(const char *line, struct cli_opts *o)
{
	static char copy[512];
	static char *argv[MAX_ARGS + 1];
	int argc = 0;

	snprintf(copy, sizeof(copy), "vfsblkctl %s", line);
	for (char *w = strtok(copy, " "); w && argc < MAX_ARGS; w = strtok(NULL, " "))
		argv[argc++] = w;
	argv[argc] = NULL;
	return opts_parse(argc, argv, o);
}

/* @line parses as command @id with @nargs arguments. */
static void ok(const char *line, enum cmd_id id, int nargs, struct cli_opts *o)
{
	int rc = parse(line, o);

	CHECK(rc == 0 && o->cmd && o->cmd->id == id && o->nargs == nargs,
	      "\"%s\": rc %d (%s), cmd %s, nargs %d; want 0, %s, %d",
	      line, rc, rc ? o->errmsg : "", o->cmd ? o->cmd->name : "-",
	      o->nargs, cmd_specs[id].name, nargs);
}

/* @line is a usage error whose message contains @want. */
static void usage(const char *line, const char *want)
{
	struct cli_opts o;
	int rc = parse(line, &o);

	CHECK(rc == EXIT_USAGE && strstr(o.errmsg, want) && !strchr(o.errmsg, '\n'),
	      "\"%s\": rc %d, message \"%s\"; want %d and \"%s\"",
	      line, rc, o.errmsg, EXIT_USAGE, want);
}

static void dev_ok(const char *str, uint32_t want)
{
	uint32_t idx = 0;
	int rc = parse_dev_index(str, &idx);

	CHECK(rc == 0 && idx == want, "parse_dev_index(\"%s\") = %d, %" PRIu32
	      "; want 0, %" PRIu32, str, rc, idx, want);
}

static void dev_bad(const char *str)
{
	uint32_t idx = 777;
	int rc = parse_dev_index(str, &idx);

	CHECK(rc == -1 && idx == 777, "parse_dev_index(\"%s\") = %d, %" PRIu32
	      "; want -1, untouched", str, rc, idx);
}

static void test_table(void)
{
	for (int i = 0; i < CMD_COUNT; i++) {
		const struct cmd_spec *c = &cmd_specs[i];

		CHECK((int)c->id == i && c->name && c->summary && c->synopsis &&
		      c->options_help && c->longopts && c->shortopts &&
		      c->shortopts[0] == ':',
		      "command table entry %d is incomplete", i);
		CHECK(cmd_lookup(c->name) == c, "cmd_lookup(\"%s\")", c->name);
		if (c->alias)
			CHECK(cmd_lookup(c->alias) == c, "cmd_lookup(\"%s\")", c->alias);
		/* Every long option with a short form has it in shortopts. */
		for (const struct option *lo = c->longopts; lo->name; lo++)
			if (lo->val < 128)
				CHECK(strchr(c->shortopts, lo->val),
				      "%s: --%s has no -%c", c->name, lo->name, lo->val);
	}
	CHECK(cmd_lookup("attach") == &cmd_specs[CMD_ADD], "attach is add");
	CHECK(cmd_lookup("detach") == &cmd_specs[CMD_REMOVE], "detach is remove");
	CHECK(cmd_lookup("nope") == NULL, "unknown command found");
}

static void test_global(void)
{
	struct cli_opts o;

	CHECK(parse("--help", &o) == 0 && o.help && !o.cmd, "--help");
	CHECK(parse("-h", &o) == 0 && o.help && !o.cmd, "-h");
	CHECK(parse("--version", &o) == 0 && o.version, "--version");
	CHECK(parse("-V", &o) == 0 && o.version, "-V");
	CHECK(parse("--vers", &o) == 0 && o.version, "--vers (abbreviation)");
	usage("", "no command given");
	usage("frobnicate", "unknown command 'frobnicate'");
	usage("--bogus", "unrecognized option '--bogus'");
	usage("-x", "invalid option '-x'");
	usage("--help=1", "option '--help' doesn't allow an argument");
	usage("-J list", "invalid option '-J'");
	usage("", "(try 'vfsblkctl --help')");
}

static void test_create(void)
{
	struct cli_opts o;

	ok("create --size 1G img", CMD_CREATE, 1, &o);
	CHECK(o.have_size && o.size == 1ULL << 30 && !o.force &&
	      strcmp(o.args[0], "img") == 0, "create --size 1G img");
	ok("create -s 4096 -f img", CMD_CREATE, 1, &o);
	CHECK(o.size == 4096 && o.force, "create -s 4096 -f");
	ok("create img --size=2MiB --force", CMD_CREATE, 1, &o);
	CHECK(o.size == 2ULL << 20 && o.force && strcmp(o.args[0], "img") == 0,
	      "options after FILE are permuted");
	ok("create -fs1K img", CMD_CREATE, 1, &o);
	CHECK(o.size == 1024 && o.force, "bundled -fs1K");
	ok("create --size 1G --size 2G img", CMD_CREATE, 1, &o);
	CHECK(o.size == 2ULL << 30, "last --size wins");
	ok("create -s 1M -- -img", CMD_CREATE, 1, &o);
	CHECK(strcmp(o.args[0], "-img") == 0, "-- ends the options");

	CHECK(parse("create --help", &o) == 0 && o.help && o.cmd->id == CMD_CREATE,
	      "create --help");
	CHECK(parse("create -h --bogus", &o) == 0 && o.help, "help stops parsing");

	usage("create img", "create: option --size is required");
	usage("create --size 1G", "create: missing FILE argument");
	usage("create --size 1G a b", "create: unexpected argument 'b'");
	usage("create --size", "create: option '--size' requires an argument");
	usage("create img -s", "create: option '-s' requires an argument");
	usage("create --size 1.5G img", "create: invalid size '1.5G': fractional");
	usage("create --size 0 img", "invalid size '0': size must be greater than zero");
	usage("create --size -1 img", "invalid size '-1': size cannot be negative");
	usage("create --size 1X img", "invalid size '1X': unknown suffix");
	usage("create --size 99999999999999999999 img", "more than 64 bits");
	usage("create --size=abc img", "invalid size 'abc': not a number");
	usage("create --size= img", "invalid size '': empty size");
	usage("create --read-only --size 1G img", "create: unrecognized option '--read-only'");
	usage("create --force=yes --size 1G img", "option '--force' doesn't allow an argument");
	usage("create -r --size 1G img", "create: invalid option '-r'");
	usage("create img", "(try 'vfsblkctl create --help')");
}

static void test_add(void)
{
	struct cli_opts o;

	ok("add img", CMD_ADD, 1, &o);
	CHECK(!o.read_only && !o.autoclear, "add: no flags by default");
	ok("add img --read-only --autoclear", CMD_ADD, 1, &o);
	CHECK(o.read_only && o.autoclear, "add --read-only --autoclear");
	ok("attach -ra img", CMD_ADD, 1, &o);
	CHECK(o.read_only && o.autoclear && strcmp(o.cmd->name, "add") == 0,
	      "attach -ra");
	ok("add --read img", CMD_ADD, 1, &o);
	CHECK(o.read_only, "--read abbreviation");
	usage("add", "add: missing FILE argument");
	usage("add a b", "add: unexpected argument 'b'");
	usage("add --lazy img", "add: unrecognized option '--lazy'");
	usage("attach --size 1G img", "add: unrecognized option '--size'");
}

static void test_remove(void)
{
	struct cli_opts o;

	ok("remove 0", CMD_REMOVE, 1, &o);
	CHECK(!o.lazy, "remove: not lazy by default");
	ok("remove /dev/vfsblk0 vfsblk1 2 --lazy", CMD_REMOVE, 3, &o);
	CHECK(o.lazy && strcmp(o.args[2], "2") == 0, "remove --lazy, 3 devices");
	ok("detach -l 3", CMD_REMOVE, 1, &o);
	CHECK(o.lazy, "detach -l");
	usage("remove", "remove: missing DEV argument");
	usage("remove --force 0", "remove: unrecognized option '--force'");
}

static void test_list_info(void)
{
	struct cli_opts o;

	ok("list", CMD_LIST, 0, &o);
	CHECK(!o.json && !o.raw && !o.noheadings && !o.bytes, "list defaults");
	ok("list --json", CMD_LIST, 0, &o);
	CHECK(o.json, "list --json");
	ok("list -J -n -b", CMD_LIST, 0, &o);
	CHECK(o.json && o.noheadings && o.bytes, "list -J -n -b");
	ok("list --raw --noheadings", CMD_LIST, 0, &o);
	CHECK(o.raw && o.noheadings, "list --raw --noheadings");
	usage("list --json --raw", "list: options --json and --raw cannot be combined");
	usage("list --raw -J", "list: options --json and --raw cannot be combined");
	usage("list extra", "list: unexpected argument 'extra'");
	usage("list --lazy", "list: unrecognized option '--lazy'");

	ok("info 0", CMD_INFO, 1, &o);
	CHECK(!o.json, "info: text by default");
	ok("info --json /dev/vfsblk3", CMD_INFO, 1, &o);
	CHECK(o.json, "info --json");
	usage("info", "info: missing DEV argument");
	usage("info 0 1", "info: unexpected argument '1'");
	usage("info --raw 0", "info: unrecognized option '--raw'");

	ok("help", CMD_HELP, 0, &o);
	ok("help create", CMD_HELP, 1, &o);
	usage("help a b", "help: unexpected argument 'b'");
}

static void test_dev_index(void)
{
	dev_ok("0", 0);
	dev_ok("7", 7);
	dev_ok("vfsblk0", 0);
	dev_ok("vfsblk12", 12);
	dev_ok("/dev/vfsblk3", 3);
	dev_ok("4294967294", 4294967294U);
	dev_ok("/dev/vfsblk4294967294", 4294967294U);

	dev_bad("");
	dev_bad("vfsblk");
	dev_bad("/dev/vfsblk");
	dev_bad("/dev/3");
	dev_bad("/dev/loop0");
	dev_bad("loop0");
	dev_bad("vfsblk-control");
	dev_bad("/dev/vfsblk-control");
	dev_bad("-1");
	dev_bad("+1");
	dev_bad(" 1");
	dev_bad("1 ");
	dev_bad("01");
	dev_bad("vfsblk01");
	dev_bad("1a");
	dev_bad("vfsblk1p1");
	dev_bad("4294967295");		/* VFSBLK_INDEX_ANY */
	dev_bad("99999999999999999999999");
	dev_bad("/dev//vfsblk1");
	dev_bad("dev/vfsblk1");
}

int main(void)
{
	test_table();
	test_global();
	test_create();
	test_add();
	test_remove();
	test_list_info();
	test_dev_index();
	return test_summary("test-opts");
}
