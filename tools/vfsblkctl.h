/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfsblkctl: definitions shared by the modules of the tool.
 */
#ifndef VFSBLKCTL_H
#define VFSBLKCTL_H

#define VFSBLKCTL_NAME		"vfsblkctl"
#define VFSBLKCTL_VERSION	"0.2.0"

/* Exit codes: 0 success, 1 the operation failed, 2 bad usage. */
#define EXIT_OK			0
#define EXIT_FAIL		1
#define EXIT_USAGE		2

#endif /* VFSBLKCTL_H */
