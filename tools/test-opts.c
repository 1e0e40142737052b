// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of opts.c: the command table, option parsing and device names.
 */
#include <inttypes.h>
#include <stdbool.h>
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

static void test_spec(const struct cmd_spec *c)
{
	CHECK(c->name && c->summary && c->synopsis && c->options_help &&
	      c->longopts && c->shorts, "command table entry %s is incomplete",
	      c->name);
	if (!c->shorts || !c->longopts)
		return;
	/* Every short option stands for a long one, and letters are unique. */
	for (const struct shortopt *s = c->shorts; s->letter; s++) {
		bool found = false;

		for (const struct option *lo = c->longopts; lo->name; lo++)
			found |= lo->val == s->opt;
		CHECK(found, "%s: -%c has no long option", c->name, s->letter);
		for (const struct shortopt *t = s + 1; t->letter; t++)
			CHECK(t->letter != s->letter, "%s: -%c twice", c->name,
			      s->letter);
	}
	for (const struct option *lo = c->longopts; lo->name; lo++)
		CHECK(lo->val > CHAR_MAX && lo->val < OPT_MAX && !lo->flag,
		      "%s: --%s has a bad value", c->name, lo->name);
}

static void test_table(void)
{
	for (int i = 0; i < CMD_COUNT; i++) {
		const struct cmd_spec *c = &cmd_specs[i];

		CHECK((int)c->id == i, "command table entry %d is misplaced", i);
		test_spec(c);
		CHECK(cmd_lookup(c->name) == c, "cmd_lookup(\"%s\")", c->name);
		if (c->alias)
			CHECK(cmd_lookup(c->alias) == c, "cmd_lookup(\"%s\")", c->alias);
	}
	test_spec(&losetup_spec);
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
	ok("-J list", CMD_LIST, 1, &o);	/* losetup -J DEV; DEV checked when run */
	usage("-x list", "invalid option '-x'");
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

	ok("create --preallocate -s 1M img", CMD_CREATE, 1, &o);
	CHECK(o.preallocate && o.size == 1ULL << 20, "create --preallocate");
	ok("create -pfs 1M img", CMD_CREATE, 1, &o);
	CHECK(o.preallocate && o.force, "create -pf");
}

static void test_add(void)
{
	struct cli_opts o;

	ok("add img", CMD_ADD, 1, &o);
	CHECK(!o.read_only && !o.autoclear && !o.partscan && !o.have_offset &&
	      !o.have_size_limit && !o.block_size && !o.name && !o.have_index &&
	      !o.queues && !o.queue_depth && !o.losetup,
	      "add: no options by default");
	CHECK(!o.have_dio && o.dio == VFSBLK_DIO_ON, "add: direct I/O on by default");
	ok("add img --read-only --autoclear", CMD_ADD, 1, &o);
	CHECK(o.read_only && o.autoclear, "add --read-only --autoclear");
	ok("attach -ra img", CMD_ADD, 1, &o);
	CHECK(o.read_only && o.autoclear && strcmp(o.cmd->name, "add") == 0,
	      "attach -ra");
	ok("add --read img", CMD_ADD, 1, &o);
	CHECK(o.read_only, "--read abbreviation");

	ok("add --offset 1M --size-limit 2GiB --block-size 4096 img", CMD_ADD, 1, &o);
	CHECK(o.have_offset && o.offset == 1ULL << 20 && o.have_size_limit &&
	      o.size_limit == 2ULL << 30 && o.block_size == 4096,
	      "add --offset --size-limit --block-size");
	ok("add -o 0 -S 0 -b 4K img", CMD_ADD, 1, &o);
	CHECK(o.have_offset && o.offset == 0 && o.have_size_limit &&
	      o.size_limit == 0 && o.block_size == 4096, "add -o 0 -S 0 -b 4K");
	ok("add --sizelimit 1M img", CMD_ADD, 1, &o);
	CHECK(o.size_limit == 1ULL << 20, "add --sizelimit (losetup's spelling)");
	ok("add --direct-io img", CMD_ADD, 1, &o);
	CHECK(o.have_dio && o.dio == VFSBLK_DIO_ON, "--direct-io");
	ok("add --direct-io=off img", CMD_ADD, 1, &o);
	CHECK(o.have_dio && o.dio == VFSBLK_DIO_OFF, "--direct-io=off");
	ok("add --direct-io=strict img", CMD_ADD, 1, &o);
	CHECK(o.dio == VFSBLK_DIO_STRICT, "--direct-io=strict");
	ok("add --direct-io=on img", CMD_ADD, 1, &o);
	CHECK(o.dio == VFSBLK_DIO_ON, "--direct-io=on");
	ok("add -P --partscan --name my-disk_1.img --index 7 img", CMD_ADD, 1, &o);
	CHECK(o.partscan && o.name && strcmp(o.name, "my-disk_1.img") == 0 &&
	      o.have_index && o.index == 7, "add -P --name --index");
	ok("add -N x -i vfsblk3 img", CMD_ADD, 1, &o);
	CHECK(o.index == 3 && strcmp(o.name, "x") == 0, "add -N -i vfsblk3");
	ok("add --queues 64 --queue-depth 1024 img", CMD_ADD, 1, &o);
	CHECK(o.queues == 64 && o.queue_depth == 1024, "add --queues --queue-depth");
	ok("add --queues 1 --queue-depth 1 img", CMD_ADD, 1, &o);
	CHECK(o.queues == 1 && o.queue_depth == 1, "queues and depth of 1");

	usage("add", "add: missing FILE argument");
	usage("add a b", "add: unexpected argument 'b'");
	usage("add --lazy img", "add: unrecognized option '--lazy'");
	usage("attach --bogus img", "add: unrecognized option '--bogus'");
	usage("add --offset 100 img", "add: invalid offset '100': not a multiple of 512");
	usage("add --offset -1 img", "invalid offset '-1': size cannot be negative");
	usage("add --offset 1.5K img", "invalid offset '1.5K': fractional");
	usage("add --offset 99999999999999999999 img", "more than 64 bits");
	usage("add --size-limit 1000 img", "invalid size limit '1000': not a multiple of 512");
	usage("add --size-limit 1KB img", "invalid size limit '1KB': unknown suffix");
	usage("add -b 8192 img", "invalid block size '8192'");
	usage("add -b 0 img", "invalid block size '0'");
	usage("add -b 511 img", "invalid block size '511'");
	usage("add --block-size=four img", "invalid block size 'four'");
	usage("add --direct-io=yes img", "invalid direct I/O mode 'yes': use on, off or strict");
	usage("add --direct-io= img", "invalid direct I/O mode ''");
	usage("add --name .hidden img", "invalid name '.hidden'");
	usage("add --name a/b img", "invalid name 'a/b'");
	usage("add --name= img", "invalid name ''");
	usage("add --name 0123456789012345678901234567890123 img", "invalid name");
	usage("add --index -1 img", "invalid index '-1'");
	usage("add --index 4294967295 img", "invalid index");
	usage("add --queues 0 img", "invalid queue count '0'");
	usage("add --queues 65 img", "invalid queue count '65'");
	usage("add --queue-depth 1025 img", "invalid queue depth '1025'");
	usage("add --queue-depth 1x img", "invalid queue depth '1x'");
	usage("add --partscan=1 img", "option '--partscan' doesn't allow an argument");
}

static void test_remove(void)
{
	struct cli_opts o;

	ok("remove 0", CMD_REMOVE, 1, &o);
	CHECK(!o.lazy && !o.all, "remove: not lazy by default");
	ok("remove /dev/vfsblk0 vfsblk1 2 --lazy", CMD_REMOVE, 3, &o);
	CHECK(o.lazy && strcmp(o.args[2], "2") == 0, "remove --lazy, 3 devices");
	ok("detach -l 3", CMD_REMOVE, 1, &o);
	CHECK(o.lazy, "detach -l");
	ok("remove --all", CMD_REMOVE, 0, &o);
	CHECK(o.all && !o.lazy, "remove --all");
	ok("remove -al", CMD_REMOVE, 0, &o);
	CHECK(o.all && o.lazy, "remove -al");
	ok("remove /srv/disk.img", CMD_REMOVE, 1, &o);
	usage("remove", "remove: missing DEV argument");
	usage("remove --force 0", "remove: unrecognized option '--force'");
	usage("remove --all 0", "remove: --all takes no DEV argument");
}

static void test_list_info(void)
{
	struct cli_opts o;

	ok("list", CMD_LIST, 0, &o);
	CHECK(!o.json && !o.raw && !o.noheadings && !o.bytes && !o.output &&
	      !o.output_all && !o.associated, "list defaults");
	ok("list --json", CMD_LIST, 0, &o);
	CHECK(o.json, "list --json");
	ok("list -J -n -b", CMD_LIST, 0, &o);
	CHECK(o.json && o.noheadings && o.bytes, "list -J -n -b");
	ok("list --raw --noheadings", CMD_LIST, 0, &o);
	CHECK(o.raw && o.noheadings, "list --raw --noheadings");
	ok("list -o NAME,SIZE", CMD_LIST, 0, &o);
	CHECK(o.output && strcmp(o.output, "NAME,SIZE") == 0, "list -o");
	ok("list --output=+LABEL", CMD_LIST, 0, &o);
	CHECK(o.output && strcmp(o.output, "+LABEL") == 0, "list --output=");
	ok("list --output-all", CMD_LIST, 0, &o);
	CHECK(o.output_all, "list --output-all");
	ok("list -j img", CMD_LIST, 0, &o);
	CHECK(o.associated && strcmp(o.associated, "img") == 0, "list -j");
	ok("list --associated=img 0 vfsblk1", CMD_LIST, 2, &o);
	CHECK(o.associated && strcmp(o.args[1], "vfsblk1") == 0, "list DEV...");
	usage("list --json --raw", "list: options --json and --raw cannot be combined");
	usage("list --raw -J", "list: options --json and --raw cannot be combined");
	usage("list -o NAME --output-all", "list: options --output and --output-all cannot be combined");
	usage("list --lazy", "list: unrecognized option '--lazy'");
	usage("list -o", "list: option '-o' requires an argument");

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

static void test_run(void)
{
	struct cli_opts o;

	ok("run img -- sh -c x", CMD_RUN, 4, &o);
	CHECK(strcmp(o.args[0], "img") == 0 && strcmp(o.args[1], "sh") == 0 &&
	      strcmp(o.args[2], "-c") == 0, "run FILE -- COMMAND");
	CHECK(o.dio == VFSBLK_DIO_ON && !o.have_dio, "run: direct I/O on by default");
	ok("run -r --name x img ls -l", CMD_RUN, 3, &o);
	CHECK(o.read_only && strcmp(o.name, "x") == 0 &&
	      strcmp(o.args[2], "-l") == 0, "run: options end at FILE");
	ok("run -- img ls", CMD_RUN, 2, &o);
	usage("run img", "run: missing FILE or COMMAND argument");
	usage("run img --", "run: missing FILE or COMMAND argument");
	usage("run --lazy img ls", "run: unrecognized option '--lazy'");
}

static void test_resize_set(void)
{
	struct cli_opts o;

	ok("resize 0", CMD_RESIZE, 1, &o);
	CHECK(!o.have_size_limit, "resize: re-read by default");
	ok("resize --size-limit 64M /dev/vfsblk0", CMD_RESIZE, 1, &o);
	CHECK(o.have_size_limit && o.size_limit == 64ULL << 20, "resize --size-limit");
	ok("resize -S 0 0", CMD_RESIZE, 1, &o);
	CHECK(o.have_size_limit && o.size_limit == 0, "resize -S 0: no limit");
	usage("resize", "resize: missing DEV argument");
	usage("resize 0 1", "resize: unexpected argument '1'");
	usage("resize --size-limit 513 0", "not a multiple of 512");
	usage("resize --read-only 0", "resize: unrecognized option '--read-only'");

	ok("set --read-only 0", CMD_SET, 1, &o);
	CHECK(o.read_only && !o.read_write, "set --read-only");
	ok("set -w 0", CMD_SET, 1, &o);
	CHECK(o.read_write, "set -w");
	ok("set --direct-io=off 0", CMD_SET, 1, &o);
	CHECK(o.have_dio && o.dio == VFSBLK_DIO_OFF, "set --direct-io=off");
	ok("set --direct-io 0", CMD_SET, 1, &o);
	CHECK(o.have_dio && o.dio == VFSBLK_DIO_ON, "set --direct-io");
	ok("set -b 1024 -o 1M -S 2M 0", CMD_SET, 1, &o);
	CHECK(o.block_size == 1024 && o.offset == 1ULL << 20 &&
	      o.size_limit == 2ULL << 20, "set -b -o -S");
	usage("set 0", "set: nothing to change: give at least one option");
	usage("set --read-only --read-write 0", "set: options --read-only and --read-write cannot be combined");
	usage("set --direct-io=maybe 0", "invalid direct I/O mode 'maybe'");
	usage("set -r", "set: missing DEV argument");
}

/* losetup's command lines, as scripts write them. */
static void test_losetup(void)
{
	struct cli_opts o;

	ok("-f --show img", CMD_ADD, 1, &o);
	CHECK(o.losetup && o.find && o.show && !o.partscan &&
	      o.dio == VFSBLK_DIO_OFF && !o.have_dio &&
	      strcmp(o.args[0], "img") == 0, "-f --show FILE: buffered I/O");
	ok("-fP --show img", CMD_ADD, 1, &o);
	CHECK(o.find && o.partscan && o.show, "-fP --show FILE");
	ok("--find --show --partscan img", CMD_ADD, 1, &o);
	CHECK(o.find && o.partscan && o.show, "--find --show --partscan FILE");
	ok("-f img", CMD_ADD, 1, &o);
	CHECK(o.find && !o.show, "-f FILE prints nothing");
	ok("-f", CMD_ADD, 0, &o);
	CHECK(o.find, "-f alone: the first free device");
	ok("-r -f --show img", CMD_ADD, 1, &o);
	CHECK(o.read_only, "-r");
	ok("--read-only -f img", CMD_ADD, 1, &o);
	CHECK(o.read_only, "--read-only");
	ok("-o 1M --sizelimit 2M -f img", CMD_ADD, 1, &o);
	CHECK(o.offset == 1ULL << 20 && o.size_limit == 2ULL << 20,
	      "-o OFFSET --sizelimit SIZE");
	ok("--offset=4096 -f img", CMD_ADD, 1, &o);
	CHECK(o.offset == 4096, "--offset=");
	ok("-b 4096 -f img", CMD_ADD, 1, &o);
	CHECK(o.block_size == 4096, "-b");
	ok("--sector-size 2048 -f img", CMD_ADD, 1, &o);
	CHECK(o.block_size == 2048, "--sector-size");
	ok("--direct-io -f img", CMD_ADD, 1, &o);
	CHECK(o.have_dio && o.dio == VFSBLK_DIO_ON, "--direct-io");
	ok("--direct-io=on -f img", CMD_ADD, 1, &o);
	CHECK(o.dio == VFSBLK_DIO_ON, "--direct-io=on");
	ok("--direct-io=off -f img", CMD_ADD, 1, &o);
	CHECK(o.have_dio && o.dio == VFSBLK_DIO_OFF, "--direct-io=off");
	ok("/dev/vfsblk4 img", CMD_ADD, 1, &o);
	CHECK(o.losetup && o.have_index && o.index == 4 &&
	      strcmp(o.args[0], "img") == 0, "DEV FILE");
	ok("-r vfsblk2 img", CMD_ADD, 1, &o);
	CHECK(o.have_index && o.index == 2 && o.read_only, "-r DEV FILE");

	ok("-d /dev/vfsblk0", CMD_REMOVE, 1, &o);
	CHECK(o.losetup && o.lazy && strcmp(o.args[0], "/dev/vfsblk0") == 0,
	      "-d DEV: deferred while in use, as losetup");
	ok("-d /dev/vfsblk0 /dev/vfsblk1", CMD_REMOVE, 2, &o);
	CHECK(strcmp(o.args[1], "/dev/vfsblk1") == 0, "-d DEV DEV");
	ok("--detach=vfsblk3", CMD_REMOVE, 1, &o);
	ok("-D", CMD_REMOVE, 0, &o);
	CHECK(o.all && o.lazy, "-D");
	ok("--detach-all", CMD_REMOVE, 0, &o);
	CHECK(o.all, "--detach-all");

	ok("-a", CMD_LIST, 0, &o);
	CHECK(o.losetup && o.all && o.old_format, "-a: losetup's old format");
	ok("--all", CMD_LIST, 0, &o);
	ok("-l", CMD_LIST, 0, &o);
	CHECK(!o.old_format, "-l: a table");
	ok("-la", CMD_LIST, 0, &o);
	CHECK(!o.old_format && o.all, "-la");
	ok("-l /dev/vfsblk1", CMD_LIST, 1, &o);
	CHECK(!o.old_format, "-l DEV");
	ok("-j img", CMD_LIST, 0, &o);
	CHECK(o.associated && strcmp(o.associated, "img") == 0 && o.old_format,
	      "-j FILE");
	ok("-j img -o 512", CMD_LIST, 0, &o);
	CHECK(o.associated && o.have_offset && o.offset == 512, "-j FILE -o OFFSET");
	ok("--associated img -l", CMD_LIST, 0, &o);
	CHECK(!o.old_format, "-j FILE -l");
	ok("--json", CMD_LIST, 0, &o);
	CHECK(o.json && !o.old_format, "--json");
	ok("-J -a", CMD_LIST, 0, &o);
	CHECK(o.json, "-J -a");
	ok("-l -n --raw -O NAME,BACK-FILE", CMD_LIST, 0, &o);
	CHECK(o.noheadings && o.raw && strcmp(o.output, "NAME,BACK-FILE") == 0,
	      "-l -n --raw -O");
	ok("--list --output-all", CMD_LIST, 0, &o);
	CHECK(o.output_all, "--output-all");
	ok("/dev/vfsblk0", CMD_INFO, 1, &o);
	CHECK(o.losetup && o.old_format, "DEV: losetup's old format");

	ok("-c /dev/vfsblk0", CMD_RESIZE, 1, &o);
	CHECK(o.losetup && strcmp(o.args[0], "/dev/vfsblk0") == 0, "-c DEV");
	ok("--set-capacity vfsblk2", CMD_RESIZE, 1, &o);

	CHECK(parse("-h", &o) == 0 && o.help, "losetup -h");
	CHECK(parse("--help", &o) == 0 && o.help, "--help");
	CHECK(parse("-V", &o) == 0 && o.version, "losetup -V");

	usage("-f a b", "unexpected argument 'b'");
	usage("-f -r", "-f without FILE only prints the first free device");
	usage("-f -d 0 img", "only one of -f, -d, -D, -c");
	usage("-a -D", "only one of");
	usage("-c", "option '-c' requires an argument");
	usage("-c 0 1", "--set-capacity takes one device");
	usage("-d", "option '-d' requires an argument");
	usage("-D 0", "--detach-all takes no argument");
	usage("-a 0", "--all takes no argument");
	usage("-a -j img", "options --all and --associated cannot be combined");
	usage("-J --raw", "options --json and --raw cannot be combined");
	usage("-r -d 0", "need a device to set up");
	usage("--show -a", "need a device to set up");
	usage("-o 512 -a", "--offset needs a device to set up");
	usage("-o 100 -f img", "invalid offset '100': not a multiple of 512");
	usage("--sizelimit 1.5M -f img", "invalid size limit '1.5M'");
	usage("-b 3000 -f img", "invalid block size '3000'");
	usage("--direct-io=maybe -f img", "invalid direct I/O mode 'maybe'");
	usage("-L -f img", "invalid option '-L'");
	usage("--nooverlap -f img", "unrecognized option '--nooverlap'");
	usage("/dev/vfsblk0 img extra", "unexpected argument 'extra'");
	usage("/dev/loop0 img", "unknown command '/dev/loop0'");
	usage("-r loop0 img", "'loop0' is not a vfsblk device");
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
	test_resize_set();
	test_run();
	test_losetup();
	test_dev_index();
	return test_summary("test-opts");
}
