/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfsblkctl: wrappers of the ioctls of /dev/vfsblk-control.
 *
 * Each wrapper fills the argument struct as the ABI asks (size set to
 * sizeof, everything else zero before the inputs) and returns 0 or a
 * negative errno; errno itself is left as the ioctl set it.
 */
#ifndef VFSBLKCTL_CTL_H
#define VFSBLKCTL_CTL_H

#include <stdint.h>

#include <linux/vfsblk.h>

/* Default path of the control node; $VFSBLKCTL_CONTROL overrides it. */
#define CTL_PATH	"/dev/" VFSBLK_CONTROL_NAME

/* ctl_path() - the control node this process uses. */
const char *ctl_path(void);

/* ctl_open() - open the control node. Returns a descriptor or -errno. */
int ctl_open(void);

int ctl_get_features(int ctl, struct vfsblk_features *features);

/*
 * ctl_add() - create a device as @add (filled by the caller, @size aside)
 * asks, sending @size bytes of it: sizeof(*@add), or an older published
 * size for an older module. On success @add->index is the new device.
 */
int ctl_add(int ctl, struct vfsblk_add *add, uint32_t size);

/* ctl_remove() - remove device @index; @result gets VFSBLK_REMOVE*. */
int ctl_remove(int ctl, uint32_t index, uint32_t flags, uint32_t *result);

/*
 * ctl_info() - describe device @index, asking for @size bytes of @info
 * (fields past @size read as zero). On success *@path is the backing
 * file's path (malloc'ed, free() it), never truncated.
 */
int ctl_info(int ctl, uint32_t index, uint32_t size, struct vfsblk_info *info,
	     char **path);

/*
 * ctl_set() - change device @set->index as @set (filled by the caller,
 * @size aside) asks; @set->capacity is the new size on success.
 */
int ctl_set(int ctl, struct vfsblk_set *set);

/*
 * ctl_list() - the indices of all devices, in increasing order. On success
 * *@indices is malloc'ed (free() it; may be NULL when *@count is 0).
 */
int ctl_list(int ctl, uint32_t **indices, uint32_t *count);

#endif /* VFSBLKCTL_CTL_H */
