// SPDX-License-Identifier: GPL-2.0
/*
 * vfsblkctl: wrappers of the ioctls of /dev/vfsblk-control.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "ctl.h"

/* Retries when the answer outgrew the buffer because devices came or paths changed. */
#define CTL_RETRIES	8

const char *ctl_path(void)
{
	const char *path = getenv("VFSBLKCTL_CONTROL");

	return path && *path ? path : CTL_PATH;
}

int ctl_open(void)
{
	int fd = open(ctl_path(), O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

static int ctl_ioctl(int ctl, unsigned long cmd, void *arg)
{
	return ioctl(ctl, cmd, arg) < 0 ? -errno : 0;
}

int ctl_get_features(int ctl, struct vfsblk_features *features)
{
	memset(features, 0, sizeof(*features));
	features->size = sizeof(*features);
	return ctl_ioctl(ctl, VFSBLK_CTL_GET_FEATURES, features);
}

int ctl_add(int ctl, struct vfsblk_add *add, uint32_t size)
{
	add->size = size;
	return ctl_ioctl(ctl, VFSBLK_CTL_ADD, add);
}

int ctl_set(int ctl, struct vfsblk_set *set)
{
	set->size = sizeof(*set);
	return ctl_ioctl(ctl, VFSBLK_CTL_SET, set);
}

int ctl_remove(int ctl, uint32_t index, uint32_t flags, uint32_t *result)
{
	struct vfsblk_remove rm;
	int ret;

	memset(&rm, 0, sizeof(rm));
	rm.size = sizeof(rm);
	rm.index = index;
	rm.flags = flags;

	ret = ctl_ioctl(ctl, VFSBLK_CTL_REMOVE, &rm);
	if (ret == 0)
		*result = rm.result;
	return ret;
}

int ctl_info(int ctl, uint32_t index, uint32_t size, struct vfsblk_info *info,
	     char **path)
{
	uint32_t len = PATH_MAX;
	char *buf = NULL;
	int ret = -EAGAIN;

	for (int i = 0; i < CTL_RETRIES; i++) {
		char *nbuf = realloc(buf, len);

		if (!nbuf) {
			ret = -ENOMEM;
			break;
		}
		buf = nbuf;

		memset(info, 0, sizeof(*info));
		info->size = size;
		info->index = index;
		info->path = (uint64_t)(uintptr_t)buf;
		info->path_len = len;

		ret = ctl_ioctl(ctl, VFSBLK_CTL_INFO, info);
		if (ret)
			break;
		if (info->path_len <= len) {
			buf[len - 1] = '\0';	/* the ABI promises it; be sure */
			*path = buf;
			info->path = 0;
			return 0;
		}
		/* The path needs more room: retry with what it said. */
		len = info->path_len;
		ret = -EAGAIN;
	}

	free(buf);
	return ret;
}

int ctl_list(int ctl, uint32_t **indices, uint32_t *count)
{
	struct vfsblk_list list;
	uint32_t room = 0;
	uint32_t *buf = NULL;
	int ret = -EAGAIN;

	for (int i = 0; i < CTL_RETRIES; i++) {
		memset(&list, 0, sizeof(list));
		list.size = sizeof(list);
		list.count = room;
		list.indices = (uint64_t)(uintptr_t)buf;

		ret = ctl_ioctl(ctl, VFSBLK_CTL_LIST, &list);
		if (ret)
			break;
		if (list.count <= room) {
			*indices = buf;
			*count = list.count;
			return 0;
		}

		/* More devices than room: grow, with slack for newcomers. */
		if (list.count > UINT32_MAX - 16) {
			ret = -EOVERFLOW;
			break;
		}
		room = list.count + 16;
		free(buf);
		buf = calloc(room, sizeof(*buf));
		if (!buf) {
			ret = -ENOMEM;
			break;
		}
		ret = -EAGAIN;
	}

	free(buf);
	return ret;
}
