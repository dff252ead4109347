/* Without a terminal: stdin is /dev/null (EOF), isatty false everywhere, tty ioctls ENOTTY,
 * /dev/tty cannot be opened without a controlling terminal. */
#include "../common.h"
#include <sys/ioctl.h>
#include <termios.h>

int main(void)
{
    char buf[16];
    CHECK_EQ(read(0, buf, sizeof buf), 0);
    CHECK_EQ(getchar(), EOF);
    CHECK(feof(stdin));
    OK("stdin at EOF");

    for (int fd = 0; fd <= 2; fd++) {
        errno = 0;
        CHECK_EQ(isatty(fd), 0);
        CHECK_EQ(errno, ENOTTY);
    }
    struct winsize ws;
    CHECK_ERR(ioctl(1, TIOCGWINSZ, &ws), ENOTTY);
    struct termios tio;
    CHECK_ERR(tcgetattr(0, &tio), ENOTTY);
    CHECK(ttyname(0) == NULL);
    OK("no tty");

    int p[2];
    pipe(p);
    CHECK_EQ(isatty(p[0]), 0);
    CHECK_EQ(isatty(99), 0);
    CHECK_EQ(errno, EBADF);
    OK("pipes and bad fds");

    int fd = open("/dev/tty", O_RDWR);
    CHECK(fd == -1 && (errno == ENXIO || errno == ENOENT));
    OK("/dev/tty unavailable");
    return t_done();
}
