/* voxomics: output files written atomically (regular files) or as streams (stdout, fifos, devices); see io.h.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tempfile.h"
#include "voxomics/io.h"

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

struct vx_outfile {
    FILE *f;
    int stream;          /* 1: written in place (stdout, fifo, device); 0: temp file renamed on commit */
    char target[PATH_MAX]; /* where the output lands */
    char tmp[PATH_MAX];    /* the temporary file beside target (regular files) */
};

/* Follow symbolic links at the last component (also dangling ones and chains): the path finally written. */
static int resolve_links(const char *path, char *out, size_t len, vx_error *err)
{
    if ((size_t)snprintf(out, len, "%s", path) >= len)
        return vx_error_set(err, VX_EIO, "%s: path too long", path);
    for (int hops = 0;; hops++) {
        struct stat st;
        if (lstat(out, &st) != 0 || !S_ISLNK(st.st_mode))
            return VX_OK;
        if (hops == 40)
            return vx_error_set(err, VX_EIO, "%s: too many levels of symbolic links", path);
        char link[PATH_MAX];
        ssize_t n = readlink(out, link, sizeof link - 1);
        if (n < 0)
            return vx_error_set(err, VX_EIO, "%s: cannot read the symbolic link: %s", out, strerror(errno));
        link[n] = '\0';
        char next[PATH_MAX];
        const char *slash = strrchr(out, '/');
        int w;
        if (link[0] == '/' || !slash)
            w = snprintf(next, sizeof next, "%s", link);
        else
            w = snprintf(next, sizeof next, "%.*s/%s", (int)(slash - out), out, link);
        if (w < 0 || (size_t)w >= sizeof next || (size_t)w >= len)
            return vx_error_set(err, VX_EIO, "%s: symbolic link target too long", path);
        memcpy(out, next, (size_t)w + 1);
    }
}

int vxio_temp_beside(const char *target, char *tmp, size_t n, const void *salt, vx_error *err)
{
    const char *slash = strrchr(target, '/');
    int dlen = slash ? (int)(slash - target + 1) : 0;
    const char *base = slash ? slash + 1 : target;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    unsigned long x = (unsigned long)ts.tv_nsec ^ ((unsigned long)getpid() << 16) ^ (unsigned long)(size_t)salt;
    for (int attempt = 0; attempt < 100; attempt++) {
        x = x * 6364136223846793005UL + 1442695040888963407UL;
        int w = snprintf(tmp, n, "%.*s.%s.tmp.%06lx", dlen, target, base, (x >> 20) & 0xffffffUL);
        if (w < 0 || (size_t)w >= n)
            return vx_error_set(err, VX_EIO, "%s: path too long", target);
        int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0666);
        if (fd >= 0) {
            struct stat st;
            if (stat(target, &st) == 0 && S_ISREG(st.st_mode)) /* keep the mode of the file replaced */
                (void)fchmod(fd, st.st_mode & 07777);
            return fd;
        }
        if (errno != EEXIST) {
            int e = errno;
            char dir[PATH_MAX];
            snprintf(dir, sizeof dir, "%.*s", dlen ? dlen : 1, dlen ? target : ".");
            return vx_error_set(err, VX_EIO, "%s: cannot write: cannot create a file in the folder '%s': %s%s", target,
                                dir, strerror(e), e == ENOENT ? " (create the folder first)" : "");
        }
    }
    return vx_error_set(err, VX_EIO, "%s: cannot create a temporary file beside it", target);
}

/* Create a new temporary file ".NAME.tmp.XXXXXX" in the folder of target (mode 0666 less the umask). */
static int open_temp(vx_outfile *h, vx_error *err)
{
    int fd = vxio_temp_beside(h->target, h->tmp, sizeof h->tmp, h, err);
    if (fd < 0)
        return fd;
    h->f = fdopen(fd, "w");
    if (!h->f) {
        int e = errno;
        close(fd);
        unlink(h->tmp);
        return vx_error_set(err, VX_EIO, "%s: cannot write: %s", h->target, strerror(e));
    }
    return VX_OK;
}

FILE *vx_outfile_open(const char *path, vx_outfile **out, vx_error *err)
{
    *out = NULL;
    if (!path || !path[0]) {
        vx_error_set(err, VX_EINVAL, "no output path given");
        return NULL;
    }
    vx_outfile *h = calloc(1, sizeof *h);
    if (!h) {
        vx_error_set(err, VX_ENOMEM, "%s: out of memory", path);
        return NULL;
    }
    if (!strcmp(path, "-")) {
        snprintf(h->target, sizeof h->target, "-");
        h->stream = 1;
        fflush(stdout);
        int fd = dup(STDOUT_FILENO);
        h->f = fd >= 0 ? fdopen(fd, "w") : NULL;
        if (!h->f) {
            vx_error_set(err, VX_EIO, "standard output: cannot write: %s", strerror(errno));
            if (fd >= 0)
                close(fd);
            free(h);
            return NULL;
        }
        *out = h;
        return h->f;
    }
    if (resolve_links(path, h->target, sizeof h->target, err) != VX_OK) {
        free(h);
        return NULL;
    }
    struct stat st;
    int rc = VX_OK;
    if (stat(h->target, &st) == 0 && !S_ISREG(st.st_mode)) {
        if (S_ISDIR(st.st_mode))
            rc = vx_error_set(err, VX_EIO, "%s: is a folder: give a file name (e.g. %s/out.csv)", path, path);
        else if (S_ISSOCK(st.st_mode))
            rc = vx_error_set(err, VX_EIO, "%s: is a socket: cannot write an output to it", path);
        else { /* fifo, character or block device: a stream, never replaced */
            h->stream = 1;
            h->f = fopen(h->target, "w");
            if (!h->f)
                rc = vx_error_set(err, VX_EIO, "%s: cannot open for writing: %s", path, strerror(errno));
        }
    } else {
        rc = open_temp(h, err);
    }
    if (rc != VX_OK) {
        free(h);
        return NULL;
    }
    *out = h;
    return h->f;
}

int vx_outfile_commit(vx_outfile *h, vx_error *err)
{
    if (!h)
        return vx_error_set(err, VX_EINVAL, "no output file to commit");
    int rc = VX_OK, e = 0;
    if (fflush(h->f) != 0 || ferror(h->f))
        e = errno ? errno : EIO, rc = VX_EIO;
    if (rc == VX_OK && !h->stream && fsync(fileno(h->f)) != 0)
        e = errno, rc = VX_EIO;
    if (fclose(h->f) != 0 && rc == VX_OK)
        e = errno, rc = VX_EIO;
    const char *name = strcmp(h->target, "-") ? h->target : "standard output";
    if (rc != VX_OK)
        vx_error_set(err, VX_EIO, "%s: write error: %s%s", name, strerror(e),
                     e == ENOSPC ? " (free some space and run again)" : "");
    if (!h->stream) {
        if (rc == VX_OK && rename(h->tmp, h->target) != 0)
            rc = vx_error_set(err, VX_EIO, "%s: cannot move the finished file into place: %s", h->target,
                              strerror(errno));
        if (rc != VX_OK)
            unlink(h->tmp);
    }
    free(h);
    return rc;
}

void vx_outfile_abort(vx_outfile *h)
{
    if (!h)
        return;
    fclose(h->f);
    if (!h->stream)
        unlink(h->tmp);
    free(h);
}

int vx_outfile_is_stream(const vx_outfile *h)
{
    return h ? h->stream : 0;
}

const char *vx_outfile_target(const vx_outfile *h)
{
    return h ? h->target : "";
}
