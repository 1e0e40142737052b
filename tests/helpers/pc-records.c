// SPDX-License-Identifier: GPL-2.0
/*
 * pc-records: write and check the records of the power-cut tests.
 *
 *   pc-records write --nblocks NB [--from SEQ] [--count N] [--sync-each]
 *                    [--direct] [--seconds S] TARGET
 *   pc-records check --nblocks NB --acked A TARGET
 *
 * A record is one 4 KiB block: magic, block number, generation, sequence
 * number, a payload derived from the sequence number, and a CRC-32 of all
 * that in the last four bytes. Record SEQ goes to block SEQ % NB with
 * generation SEQ / NB, so the blocks are written in rounds, the first round
 * extending a file and the later ones overwriting it.
 *
 * write writes records FROM to FROM+COUNT-1 (COUNT 0: until S seconds have
 * passed, or forever) to TARGET, a block device or a file (created), with
 * pwrite(). --sync-each: fdatasync after each record, then print
 * "ACK SEQ" on standard output with one write(2): a record is acknowledged
 * only once its sync returned. Without it, one fdatasync at the end, then
 * "ACK LAST" for the last one. --direct opens TARGET with O_DIRECT.
 *
 * check says whether TARGET holds every acknowledged record (A records:
 * sequence numbers 0 to A-1): for each block that one of them went to, it
 * must hold a valid record for that block of at least the newest such
 * sequence number. It prints "RESULT acked=A blocks=B lost=L" (B: blocks
 * checked) after the first lost blocks, one "LOST ..." line each.
 * Exit status: 0 nothing lost, 1 records lost or I/O error, 2 usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define REC_SIZE 4096
#define REC_MAGIC 0x434552435046564bULL	/* "KVFPCREC" */
#define MAX_LOST_SHOWN 10

struct rec_head {
	uint64_t magic;
	uint64_t block;
	uint64_t generation;
	uint64_t seq;
};

static uint32_t crc_table[256];

static void crc_init(void)
{
	uint32_t c;
	int i, k;

	for (i = 0; i < 256; i++) {
		c = (uint32_t)i;
		for (k = 0; k < 8; k++)
			c = (c & 1) ? 0xedb88320U ^ (c >> 1) : c >> 1;
		crc_table[i] = c;
	}
}

static uint32_t crc32_buf(const unsigned char *p, size_t n)
{
	uint32_t c = 0xffffffffU;

	while (n--)
		c = crc_table[(c ^ *p++) & 0xff] ^ (c >> 8);
	return c ^ 0xffffffffU;
}

static void make_record(unsigned char *buf, uint64_t seq, uint64_t nblocks)
{
	struct rec_head h = {
		.magic = REC_MAGIC,
		.block = seq % nblocks,
		.generation = seq / nblocks,
		.seq = seq,
	};
	uint64_t x = seq * 0x9e3779b97f4a7c15ULL + 1;
	uint32_t crc;
	size_t i;

	memcpy(buf, &h, sizeof(h));
	for (i = sizeof(h); i + 8 <= REC_SIZE - 4; i += 8) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		memcpy(buf + i, &x, 8);
	}
	memset(buf + i, 0, REC_SIZE - 4 - i);
	crc = crc32_buf(buf, REC_SIZE - 4);
	memcpy(buf + REC_SIZE - 4, &crc, 4);
}

/* 1 when buf is a valid record for @block, its sequence number in *seq. */
static int valid_record(const unsigned char *buf, uint64_t block,
			uint64_t nblocks, uint64_t *seq)
{
	struct rec_head h;
	uint32_t crc;

	memcpy(&h, buf, sizeof(h));
	memcpy(&crc, buf + REC_SIZE - 4, 4);
	if (h.magic != REC_MAGIC || crc != crc32_buf(buf, REC_SIZE - 4))
		return 0;
	if (h.block != block || h.seq % nblocks != block ||
	    h.generation != h.seq / nblocks)
		return 0;
	*seq = h.seq;
	return 1;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: pc-records write --nblocks NB [--from SEQ] [--count N] [--sync-each]\n"
		"                        [--direct] [--seconds S] TARGET\n"
		"       pc-records check --nblocks NB --acked A TARGET\n");
	exit(2);
}

static uint64_t num(const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end)
		usage();
	return v;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void ack(uint64_t seq)
{
	char line[64];
	int n = snprintf(line, sizeof(line), "ACK %llu\n",
			 (unsigned long long)seq);

	if (write(STDOUT_FILENO, line, n) != n)
		exit(1);
}

static int do_write(const char *target, uint64_t nblocks, uint64_t from,
		    uint64_t count, int sync_each, int direct, double seconds)
{
	unsigned char *buf;
	uint64_t seq;
	double end = seconds > 0 ? now() + seconds : 0;
	int fd;

	fd = open(target, O_WRONLY | O_CREAT | (direct ? O_DIRECT : 0), 0644);
	if (fd < 0) {
		perror(target);
		return 1;
	}
	if (posix_memalign((void **)&buf, REC_SIZE, REC_SIZE)) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	for (seq = from; count == 0 || seq < from + count; seq++) {
		if (end && now() >= end)
			break;
		make_record(buf, seq, nblocks);
		if (pwrite(fd, buf, REC_SIZE,
			   (off_t)(seq % nblocks) * REC_SIZE) != REC_SIZE) {
			perror("pwrite");
			return 1;
		}
		if (!sync_each)
			continue;
		if (fdatasync(fd)) {
			perror("fdatasync");
			return 1;
		}
		ack(seq);
	}
	if (!sync_each && seq > from) {
		if (fdatasync(fd)) {
			perror("fdatasync");
			return 1;
		}
		ack(seq - 1);
	}
	if (close(fd)) {
		perror("close");
		return 1;
	}
	free(buf);
	return 0;
}

static int do_check(const char *target, uint64_t nblocks, uint64_t acked)
{
	unsigned char *buf;
	uint64_t b, want, seq, checked = 0, lost = 0;
	ssize_t n;
	int fd;

	fd = open(target, O_RDONLY);
	if (fd < 0) {
		perror(target);
		return 1;
	}
	buf = malloc(REC_SIZE);
	if (!buf) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	for (b = 0; b < nblocks && b < acked; b++) {
		/* The newest acknowledged sequence number of block b. */
		want = b + (acked - 1 - b) / nblocks * nblocks;
		checked++;
		n = pread(fd, buf, REC_SIZE, (off_t)b * REC_SIZE);
		if (n < 0) {
			perror("pread");
			return 1;
		}
		if (n == REC_SIZE && valid_record(buf, b, nblocks, &seq) &&
		    seq >= want)
			continue;
		if (++lost <= MAX_LOST_SHOWN) {
			if (n != REC_SIZE)
				printf("LOST block %llu: want seq >= %llu, file too short\n",
				       (unsigned long long)b,
				       (unsigned long long)want);
			else if (!valid_record(buf, b, nblocks, &seq))
				printf("LOST block %llu: want seq >= %llu, no valid record\n",
				       (unsigned long long)b,
				       (unsigned long long)want);
			else
				printf("LOST block %llu: want seq >= %llu, holds seq %llu\n",
				       (unsigned long long)b,
				       (unsigned long long)want,
				       (unsigned long long)seq);
		}
	}
	close(fd);
	free(buf);
	printf("RESULT acked=%llu blocks=%llu lost=%llu\n",
	       (unsigned long long)acked, (unsigned long long)checked,
	       (unsigned long long)lost);
	return lost ? 1 : 0;
}

int main(int argc, char **argv)
{
	uint64_t nblocks = 0, from = 0, count = 0, acked = 0;
	int sync_each = 0, direct = 0, have_acked = 0, i;
	double seconds = 0;
	const char *cmd, *target = NULL;

	if (argc < 2)
		usage();
	cmd = argv[1];
	for (i = 2; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--sync-each")) {
			sync_each = 1;
		} else if (!strcmp(a, "--direct")) {
			direct = 1;
		} else if (i + 1 < argc && !strcmp(a, "--nblocks")) {
			nblocks = num(argv[++i]);
		} else if (i + 1 < argc && !strcmp(a, "--from")) {
			from = num(argv[++i]);
		} else if (i + 1 < argc && !strcmp(a, "--count")) {
			count = num(argv[++i]);
		} else if (i + 1 < argc && !strcmp(a, "--seconds")) {
			seconds = (double)num(argv[++i]);
		} else if (i + 1 < argc && !strcmp(a, "--acked")) {
			acked = num(argv[++i]);
			have_acked = 1;
		} else if (a[0] != '-' && !target) {
			target = a;
		} else {
			usage();
		}
	}
	if (!target || nblocks == 0)
		usage();
	crc_init();
	if (!strcmp(cmd, "write"))
		return do_write(target, nblocks, from, count, sync_each,
				direct, seconds);
	if (!strcmp(cmd, "check") && have_acked)
		return do_check(target, nblocks, acked);
	usage();
	return 2;
}
