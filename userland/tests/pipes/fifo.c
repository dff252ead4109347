/* Named pipes (mkfifo): open blocks until the peer arrives; O_NONBLOCK rules; data flows. */
#include "../common.h"

int main(void)
{
    CHECK_EQ(mkfifo("ff", 0644), 0);
    struct stat st;
    CHECK_EQ(stat("ff", &st), 0);
    CHECK(S_ISFIFO(st.st_mode));
    CHECK_ERR(mkfifo("ff", 0644), EEXIST);
    OK("mkfifo");

    /* nonblocking write-open with no reader fails ENXIO; nonblocking read-open succeeds */
    CHECK_ERR(open("ff", O_WRONLY | O_NONBLOCK), ENXIO);
    int r = open("ff", O_RDONLY | O_NONBLOCK);
    CHECK(r >= 0);
    char buf[64];
    CHECK_EQ(read(r, buf, sizeof buf), 0); /* no writer yet: EOF */
    int w = open("ff", O_WRONLY | O_NONBLOCK);
    CHECK(w >= 0);
    write(w, "direct", 6);
    CHECK_EQ(read(r, buf, sizeof buf), 6);
    close(w);
    close(r);
    OK("nonblocking opens");

    pid_t pid = t_fork();
    if (pid == 0) {
        int fd = open("ff", O_WRONLY); /* blocks until the parent opens for reading */
        const char *msg = "through the fifo\n";
        write(fd, msg, strlen(msg));
        _exit(fd >= 0 ? 0 : 1);
    }
    int fd = open("ff", O_RDONLY);
    CHECK(fd >= 0);
    size_t got = 0;
    ssize_t n;
    while ((n = read(fd, buf + got, sizeof buf - 1 - got)) > 0)
        got += (size_t)n;
    buf[got] = 0;
    CHECK_STR(buf, "through the fifo\n");
    CHECK_EQ(t_wait(pid), 0);
    close(fd);
    OK("blocking rendezvous");

    CHECK_EQ(unlink("ff"), 0);
    return t_done();
}
