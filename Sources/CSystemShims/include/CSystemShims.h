// System calls that Glibc's Swift module does not import. Only Sources/DockduCore/System uses this.
#ifndef DOCKDU_CSYSTEMSHIMS_H
#define DOCKDU_CSYSTEMSHIMS_H

#include <stddef.h>
#include <sys/types.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <sys/xattr.h>

/// getdents64(2): fills `buffer` with `struct linux_dirent64` records; 0 at the end of the directory.
static inline long dockdu_getdents64(int fd, void *buffer, size_t length) {
    return syscall(SYS_getdents64, fd, buffer, length);
}

/// sched_getaffinity(2) for this thread, as the raw system call: fills `mask` (a bit per CPU this
/// process may run on) and returns the bytes written, or -1.
static inline long dockdu_sched_getaffinity(void *mask, size_t length) {
    return syscall(SYS_sched_getaffinity, 0, length, mask);
}

/// fgetxattr(2): the value of the extended attribute `name` of the open file `fd`, into `value`;
/// its length, or -1 (ENODATA when absent, ENOTSUP where the file system has none).
static inline long dockdu_fgetxattr(int fd, const char *name, void *value, size_t size) {
    return fgetxattr(fd, name, value, size);
}

#endif
