// SPDX-License-Identifier: GPL-2.0
/*
 * pc-replay: replay a dm-log-writes log (the kernel's
 * drivers/md/dm-log-writes.c) onto a file or device, up to a mark: what
 * the logged device held at that moment if the power had gone, since the
 * target logs a write only once a flush or FUA made it stable.
 *
 *   pc-replay --list LOG
 *   pc-replay [--from ENTRY] [--until MARK] LOG TARGET
 *
 * The log: a super block in sector 0 {le64 magic 0x6a736677736872,
 * le64 version 1, le64 nr_entries, le32 sectorsize}, then from offset
 * sectorsize nr_entries entries, each a sectorsize block holding
 * {le64 sector, le64 nr_sectors, le64 flags, le64 data_len} and data_len
 * bytes of private data (a mark's name), followed by nr_sectors blocks of
 * written data unless the entry is a discard. sector and nr_sectors count
 * sectorsize units. Flags: 1 flush, 2 FUA, 4 discard, 8 mark, 16 metadata.
 *
 * --list prints "MARK ENTRY NAME" for each mark (ENTRY counts from 0) and
 * "ENTRIES N". Replay writes entries ENTRY (default 0) and on into TARGET
 * (discards as zeroes), stopping after the mark named MARK (it must
 * exist) or at the end of the log, and prints "NEXT N", the entry to start
 * from next time: replaying to successive marks with --from the last NEXT
 * applies each entry once. Exit status: 0 done, 1 error, 2 usage.
 */
#define _GNU_SOURCE
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LOG_MAGIC 0x6a736677736872ULL
#define LOG_VERSION 1
#define LOG_FLUSH 1
#define LOG_FUA 2
#define LOG_DISCARD 4
#define LOG_MARK 8
#define ENTRY_HEAD 32

static void usage(void)
{
	fprintf(stderr, "usage: pc-replay --list LOG\n"
		"       pc-replay [--from ENTRY] [--until MARK] LOG TARGET\n");
	exit(2);
}

static uint64_t le64_at(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return le64toh(v);
}

static int read_full(int fd, void *buf, size_t len, off_t off)
{
	ssize_t n;

	while (len) {
		n = pread(fd, buf, len, off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(stderr, "pc-replay: log read at %lld: %s\n",
				(long long)off, n ? strerror(errno) : "short");
			return -1;
		}
		buf = (char *)buf + n;
		len -= n;
		off += n;
	}
	return 0;
}

static int write_full(int fd, const void *buf, size_t len, off_t off)
{
	ssize_t n;

	while (len) {
		n = pwrite(fd, buf, len, off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(stderr, "pc-replay: write at %lld: %s\n",
				(long long)off, n ? strerror(errno) : "short");
			return -1;
		}
		buf = (const char *)buf + n;
		len -= n;
		off += n;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *log = NULL, *target = NULL, *until = NULL;
	uint64_t from = 0, nr, i, sector, nsec, flags, dlen;
	unsigned char *blk, *data = NULL;
	size_t data_cap = 0, len;
	unsigned int ss;
	int list = 0, lfd, tfd = -1, found = 0, a;
	char name[4096];
	off_t pos;

	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--list"))
			list = 1;
		else if (a + 1 < argc && !strcmp(argv[a], "--from"))
			from = strtoull(argv[++a], NULL, 0);
		else if (a + 1 < argc && !strcmp(argv[a], "--until"))
			until = argv[++a];
		else if (argv[a][0] == '-')
			usage();
		else if (!log)
			log = argv[a];
		else if (!target)
			target = argv[a];
		else
			usage();
	}
	if (!log || (list ? target != NULL : target == NULL))
		usage();

	lfd = open(log, O_RDONLY);
	if (lfd < 0) {
		perror(log);
		return 1;
	}
	blk = malloc(4096);
	if (!blk || read_full(lfd, blk, 512, 0))
		return 1;
	if (le64_at(blk) != LOG_MAGIC || le64_at(blk + 8) != LOG_VERSION) {
		fprintf(stderr, "pc-replay: %s: not a dm-log-writes log\n", log);
		return 1;
	}
	nr = le64_at(blk + 16);
	memcpy(&ss, blk + 24, 4);
	ss = le32toh(ss);
	if (ss < 512 || ss > 4096 || (ss & (ss - 1))) {
		fprintf(stderr, "pc-replay: bad sector size %u\n", ss);
		return 1;
	}
	if (!list) {
		tfd = open(target, O_WRONLY);
		if (tfd < 0) {
			perror(target);
			return 1;
		}
	}

	pos = ss;
	for (i = 0; i < nr; i++) {
		if (read_full(lfd, blk, ss, pos))
			return 1;
		sector = le64_at(blk);
		nsec = le64_at(blk + 8);
		flags = le64_at(blk + 16);
		dlen = le64_at(blk + 24);
		pos += ss;
		if (dlen > ss - ENTRY_HEAD) {
			fprintf(stderr, "pc-replay: entry %llu: bad data_len\n",
				(unsigned long long)i);
			return 1;
		}
		len = (flags & LOG_DISCARD) ? 0 : nsec * ss;
		if (flags & LOG_MARK) {
			memcpy(name, blk + ENTRY_HEAD, dlen);
			name[dlen] = 0;
			if (list)
				printf("MARK %llu %s\n",
				       (unsigned long long)i, name);
		}
		if (list || i < from) {
			pos += len;
			continue;
		}
		if (len || (flags & LOG_DISCARD)) {
			size_t want = nsec * ss;

			if (want > data_cap) {
				free(data);
				data = malloc(want);
				if (!data) {
					fprintf(stderr, "pc-replay: out of memory\n");
					return 1;
				}
				data_cap = want;
			}
			if (flags & LOG_DISCARD)
				memset(data, 0, want);
			else if (read_full(lfd, data, want, pos))
				return 1;
			if (write_full(tfd, data, want, (off_t)(sector * ss)))
				return 1;
			pos += len;
		}
		if ((flags & LOG_MARK) && until && !strcmp(name, until)) {
			found = 1;
			i++;
			break;
		}
	}
	if (list) {
		printf("ENTRIES %llu\n", (unsigned long long)nr);
		return 0;
	}
	if (until && !found) {
		fprintf(stderr, "pc-replay: no mark '%s' in the log\n", until);
		return 1;
	}
	if (fsync(tfd) || close(tfd)) {
		perror(target);
		return 1;
	}
	printf("NEXT %llu\n", (unsigned long long)i);
	free(data);
	free(blk);
	return 0;
}
