/* POSIX record locks: F_SETLK/F_GETLK across processes, F_SETLKW wake-up. */
#include "../common.h"

static struct flock lk(short type, off_t start, off_t len)
{
    struct flock f;
    memset(&f, 0, sizeof f);
    f.l_type = type;
    f.l_whence = SEEK_SET;
    f.l_start = start;
    f.l_len = len;
    return f;
}

int main(void)
{
    int fd = open("lock.dat", O_RDWR | O_CREAT | O_TRUNC, 0644);
    t_write_all(fd, "0123456789", 10);
    struct flock f = lk(F_WRLCK, 0, 5);
    CHECK_EQ(fcntl(fd, F_SETLK, &f), 0);
    f = lk(F_RDLCK, 8, 2);
    CHECK_EQ(fcntl(fd, F_SETLK, &f), 0);
    /* own locks never conflict with ourselves */
    f = lk(F_WRLCK, 0, 10);
    CHECK_EQ(fcntl(fd, F_GETLK, &f), 0);
    CHECK_EQ(f.l_type, F_UNLCK);
    OK("own locks");

    int go[2], done[2];
    pipe(go);
    pipe(done);
    pid_t parent = getpid();
    pid_t pid = t_fork();
    if (pid == 0) {
        int cfd = open("lock.dat", O_RDWR);
        int bad = 0;
        struct flock c = lk(F_WRLCK, 2, 1);
        if (fcntl(cfd, F_GETLK, &c) != 0 || c.l_type != F_WRLCK || c.l_start != 0 ||
            c.l_len != 5 || c.l_pid != parent)
            bad |= 1;
        c = lk(F_WRLCK, 2, 1);
        if (fcntl(cfd, F_SETLK, &c) != -1 || (errno != EAGAIN && errno != EACCES))
            bad |= 2;
        c = lk(F_RDLCK, 8, 2); /* read locks share */
        if (fcntl(cfd, F_SETLK, &c) != 0)
            bad |= 4;
        c = lk(F_WRLCK, 5, 3); /* free range */
        if (fcntl(cfd, F_SETLK, &c) != 0)
            bad |= 8;
        c = lk(F_WRLCK, 9, 1);
        if (fcntl(cfd, F_SETLK, &c) != -1)
            bad |= 16;
        write(done[1], "r", 1);
        /* blocks until the parent unlocks */
        c = lk(F_WRLCK, 0, 5);
        if (fcntl(cfd, F_SETLKW, &c) != 0)
            bad |= 32;
        char ch;
        if (read(go[0], &ch, 1) != 1 || ch != 'u')
            bad |= 64;
        _exit(bad);
    }
    char ch;
    CHECK_EQ(read(done[0], &ch, 1), 1);
    f = lk(F_WRLCK, 5, 3);
    CHECK_EQ(fcntl(fd, F_GETLK, &f), 0);
    CHECK_EQ(f.l_type, F_WRLCK);
    CHECK_EQ(f.l_pid, pid);
    CHECK_EQ(f.l_start, 5);
    CHECK_EQ(f.l_len, 3);
    struct timespec ts = {0, 50 * 1000 * 1000};
    nanosleep(&ts, NULL);
    write(go[1], "u", 1);
    f = lk(F_UNLCK, 0, 0);
    CHECK_EQ(fcntl(fd, F_SETLK, &f), 0);
    int st = t_wait(pid);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 0);
    OK("cross-process");

    /* locks of an exited process are released */
    f = lk(F_WRLCK, 0, 0);
    CHECK_EQ(fcntl(fd, F_SETLK, &f), 0);
    OK("released at exit");

    f = lk(F_WRLCK, 0, 1);
    int ro = open("lock.dat", O_RDONLY);
    CHECK_ERR(fcntl(ro, F_SETLK, &f), EBADF);
    f.l_type = 99;
    CHECK_ERR(fcntl(fd, F_SETLK, &f), EINVAL);
    OK("errors");
    return t_done();
}
