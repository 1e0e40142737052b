/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * vfsblk: block devices backed by regular files.
 *
 * This header is the control ABI of the vfsblk module. It is driven through
 * ioctls on the misc device /dev/vfsblk-control (mode 0600); every command
 * needs CAP_SYS_ADMIN.
 *
 * Conventions shared by every command:
 *
 * - Each argument struct starts with a __u32 @size that the caller sets to
 *   sizeof() the struct as it knows it. The kernel accepts any @size from
 *   the command's first published size up to one page: bytes it does not
 *   know must be zero (else -E2BIG), fields a caller's older struct lacks
 *   read as zero. A @size below the first published size gives -EINVAL.
 * - Commands are matched on their type (%VFSBLK_IOC_MAGIC), number and
 *   direction; the size bits of the command are not used, @size is.
 *   Anything else gives -ENOTTY.
 * - Reserved fields and unknown flag bits must be zero (else -EINVAL).
 * - Output is written back over the whole struct, up to @size bytes;
 *   reserved and padding bytes come back zero.
 * - Pointers to user memory travel as __u64.
 */
#ifndef _UAPI_LINUX_VFSBLK_H
#define _UAPI_LINUX_VFSBLK_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* VFSBLK_CONTROL_NAME - name of the control node under /dev. */
#define VFSBLK_CONTROL_NAME	"vfsblk-control"

/* VFSBLK_ABI_VERSION - version of this ABI, reported by GET_FEATURES. */
#define VFSBLK_ABI_VERSION	1

/* VFSBLK_INDEX_ANY - &vfsblk_add.index value asking for any free index. */
#define VFSBLK_INDEX_ANY	0xffffffffU

/*
 * Device flags, in &vfsblk_add.flags (request) and &vfsblk_info.flags
 * (in effect).
 */
/* VFSBLK_FLAG_READ_ONLY - the device refuses writes; the file is never written. */
#define VFSBLK_FLAG_READ_ONLY	(1ULL << 0)
/* VFSBLK_FLAG_AUTOCLEAR - the device is removed at its last close. */
#define VFSBLK_FLAG_AUTOCLEAR	(1ULL << 1)
/* VFSBLK_ADD_FLAGS - every flag &vfsblk_add.flags accepts. */
#define VFSBLK_ADD_FLAGS	(VFSBLK_FLAG_READ_ONLY | VFSBLK_FLAG_AUTOCLEAR)

/**
 * struct vfsblk_features - what the loaded module supports.
 * @size: in: sizeof(struct vfsblk_features) as the caller knows it.
 * @abi_version: out: %VFSBLK_ABI_VERSION of the module.
 * @add_flags: out: the flags %VFSBLK_CTL_ADD accepts.
 * @max_index: out: the largest device index the module can create.
 * @reserved0: must be zero; comes back zero.
 * @reserved: must be zero; comes back zero.
 *
 * Used with %VFSBLK_CTL_GET_FEATURES. Cannot fail but for -EFAULT, -EINVAL,
 * -E2BIG and -EPERM.
 */
struct vfsblk_features {
	__u32 size;
	__u32 abi_version;
	__u64 add_flags;
	__u32 max_index;
	__u32 reserved0;
	__u64 reserved[4];
};

/* VFSBLK_FEATURES_SIZE_VER0 - first published size of &vfsblk_features. */
#define VFSBLK_FEATURES_SIZE_VER0	56

/**
 * struct vfsblk_add - create a device bound to an open file, in one step.
 * @size: in: sizeof(struct vfsblk_add) as the caller knows it.
 * @fd: in: descriptor of the backing file. It must be a regular file open
 *	for reading, and also for writing unless %VFSBLK_FLAG_READ_ONLY is
 *	asked. The device holds its own reference to the open file; the
 *	caller may close @fd afterwards.
 * @index: in: the index wanted, or %VFSBLK_INDEX_ANY for the lowest free
 *	one; out: the index of the new device /dev/vfsblk<index>.
 * @reserved0: must be zero.
 * @flags: in: %VFSBLK_FLAG_* of %VFSBLK_ADD_FLAGS.
 * @reserved: must be zero.
 *
 * Used with %VFSBLK_CTL_ADD. The capacity of the device is the file size
 * rounded down to 512 bytes. The device is visible to the other commands
 * only once it is complete.
 *
 * Errors: -EBADF @fd is not an open descriptor, is not open for reading, or
 * is not open for writing and %VFSBLK_FLAG_READ_ONLY is not set;
 * -EISDIR @fd is a directory; -ESPIPE @fd is a pipe or a socket;
 * -EINVAL @fd is any other kind of non-regular file, a file whose
 * filesystem cannot read or write it, a file smaller than 512 bytes, or
 * a flag, reserved field or @index is out of range;
 * -EEXIST @index is in use; -ENOSPC no index is free; -ENOMEM;
 * -EFAULT the struct could not be read, or could not be written back once
 * the device existed (it then stays: %VFSBLK_CTL_LIST finds it).
 */
struct vfsblk_add {
	__u32 size;
	__s32 fd;
	__u32 index;
	__u32 reserved0;
	__u64 flags;
	__u64 reserved[6];
};

/* VFSBLK_ADD_SIZE_VER0 - first published size of &vfsblk_add. */
#define VFSBLK_ADD_SIZE_VER0	72

/* VFSBLK_REMOVE_DEFERRED - remove at last close if the device is in use. */
#define VFSBLK_REMOVE_DEFERRED	(1U << 0)

/* VFSBLK_REMOVED - &vfsblk_remove.result: the device is gone. */
#define VFSBLK_REMOVED		1
/* VFSBLK_REMOVE_PENDING - &vfsblk_remove.result: removed at last close. */
#define VFSBLK_REMOVE_PENDING	2

/**
 * struct vfsblk_remove - remove a device.
 * @size: in: sizeof(struct vfsblk_remove) as the caller knows it.
 * @index: in: index of the device.
 * @flags: in: %VFSBLK_REMOVE_DEFERRED or 0.
 * @result: out: %VFSBLK_REMOVED, or %VFSBLK_REMOVE_PENDING when the device
 *	was open and %VFSBLK_REMOVE_DEFERRED was asked: it then goes away at
 *	its last close (its %VFSBLK_FLAG_AUTOCLEAR is set).
 * @reserved: must be zero; comes back zero.
 *
 * Used with %VFSBLK_CTL_REMOVE. Pending I/O completes before the device
 * goes; the backing file is released after it.
 *
 * A device whose removal is already pending answers a deferred REMOVE with
 * %VFSBLK_REMOVE_PENDING again, and a plain one with -EBUSY while it is
 * open.
 *
 * Errors: -ENODEV no device has @index, or its teardown has started;
 * -EBUSY the device is open (mounted, or held by a process) and
 * %VFSBLK_REMOVE_DEFERRED was not asked; -EINVAL bad flags or reserved.
 */
struct vfsblk_remove {
	__u32 size;
	__u32 index;
	__u32 flags;
	__u32 result;
	__u64 reserved[2];
};

/* VFSBLK_REMOVE_SIZE_VER0 - first published size of &vfsblk_remove. */
#define VFSBLK_REMOVE_SIZE_VER0	32

/* VFSBLK_STATE_BOUND - &vfsblk_info.state: bound and usable. */
#define VFSBLK_STATE_BOUND	1
/* VFSBLK_STATE_RUNDOWN - &vfsblk_info.state: goes away at its last close. */
#define VFSBLK_STATE_RUNDOWN	2

/**
 * struct vfsblk_info - describe one device.
 * @size: in: sizeof(struct vfsblk_info) as the caller knows it.
 * @index: in: index of the device.
 * @state: out: %VFSBLK_STATE_BOUND, or %VFSBLK_STATE_RUNDOWN when a
 *	deferred removal waits for the last close.
 * @open_count: out: how many times the device is open now.
 * @flags: out: %VFSBLK_FLAG_* in effect.
 * @capacity: out: size of the device in bytes.
 * @backing_size: out: size of the backing file in bytes, now.
 * @backing_inode: out: inode number of the backing file.
 * @backing_major: out: major number of the device holding the file's
 *	filesystem (0 for filesystems without one).
 * @backing_minor: out: its minor number.
 * @path: in: user pointer to a buffer for the backing file's path, or 0.
 * @path_len: in: length of that buffer; out: length the whole path needs,
 *	terminating NUL included. A shorter buffer gets a truncated,
 *	NUL-terminated path. The path is the file's current one: a renamed
 *	file shows its new name, a deleted one ends in " (deleted)".
 * @reserved0: must be zero; comes back zero.
 * @reserved: must be zero; comes back zero.
 *
 * Used with %VFSBLK_CTL_INFO.
 *
 * Errors: -ENODEV no device has @index; -EFAULT @path is not writable.
 */
struct vfsblk_info {
	__u32 size;
	__u32 index;
	__u32 state;
	__u32 open_count;
	__u64 flags;
	__u64 capacity;
	__u64 backing_size;
	__u64 backing_inode;
	__u32 backing_major;
	__u32 backing_minor;
	__u64 path;
	__u32 path_len;
	__u32 reserved0;
	__u64 reserved[8];
};

/* VFSBLK_INFO_SIZE_VER0 - first published size of &vfsblk_info. */
#define VFSBLK_INFO_SIZE_VER0	136

/**
 * struct vfsblk_list - enumerate devices.
 * @size: in: sizeof(struct vfsblk_list) as the caller knows it.
 * @count: in: how many __u32 entries @indices has room for; out: how many
 *	devices exist (bound or pending removal). When that is more than the
 *	room given, only the room was filled: call again with more.
 * @indices: in: user pointer to an array of __u32, filled with indices in
 *	increasing order; may be 0 when @count is 0.
 * @reserved: must be zero; comes back zero.
 *
 * Used with %VFSBLK_CTL_LIST.
 *
 * Errors: -EFAULT @indices is not writable for the entries filled.
 */
struct vfsblk_list {
	__u32 size;
	__u32 count;
	__u64 indices;
	__u64 reserved[2];
};

/* VFSBLK_LIST_SIZE_VER0 - first published size of &vfsblk_list. */
#define VFSBLK_LIST_SIZE_VER0	32

/**
 * DOC: Commands
 *
 * All commands are ``_IOWR`` on type %VFSBLK_IOC_MAGIC (0xB8):
 *
 * - %VFSBLK_CTL_GET_FEATURES (0x00), &struct vfsblk_features: ABI version
 *   and what the module accepts.
 * - %VFSBLK_CTL_ADD (0x01), &struct vfsblk_add: create a device bound to an
 *   open file, in one step.
 * - %VFSBLK_CTL_REMOVE (0x02), &struct vfsblk_remove: remove a device now,
 *   or at its last close.
 * - %VFSBLK_CTL_INFO (0x03), &struct vfsblk_info: state, flags, size and
 *   backing file of one device.
 * - %VFSBLK_CTL_LIST (0x04), &struct vfsblk_list: indices of all devices.
 *
 * Every command may also fail with -EPERM (no CAP_SYS_ADMIN), -EFAULT,
 * -EINVAL (size too small, reserved field or unknown flag set) and -E2BIG
 * (size larger than the module knows, with non-zero bytes past its end).
 * Any other command gives -ENOTTY.
 */
/* VFSBLK_IOC_MAGIC - ioctl type of the control node. */
#define VFSBLK_IOC_MAGIC	0xB8

/* VFSBLK_CTL_GET_FEATURES - fill a &struct vfsblk_features. */
#define VFSBLK_CTL_GET_FEATURES	_IOWR(VFSBLK_IOC_MAGIC, 0x00, struct vfsblk_features)
/* VFSBLK_CTL_ADD - create a device, see &struct vfsblk_add. */
#define VFSBLK_CTL_ADD		_IOWR(VFSBLK_IOC_MAGIC, 0x01, struct vfsblk_add)
/* VFSBLK_CTL_REMOVE - remove a device, see &struct vfsblk_remove. */
#define VFSBLK_CTL_REMOVE	_IOWR(VFSBLK_IOC_MAGIC, 0x02, struct vfsblk_remove)
/* VFSBLK_CTL_INFO - describe a device, see &struct vfsblk_info. */
#define VFSBLK_CTL_INFO		_IOWR(VFSBLK_IOC_MAGIC, 0x03, struct vfsblk_info)
/* VFSBLK_CTL_LIST - enumerate devices, see &struct vfsblk_list. */
#define VFSBLK_CTL_LIST		_IOWR(VFSBLK_IOC_MAGIC, 0x04, struct vfsblk_list)

#endif /* _UAPI_LINUX_VFSBLK_H */
