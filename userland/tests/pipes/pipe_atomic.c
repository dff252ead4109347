/* Writes of up to PIPE_BUF bytes are atomic: 8 writers x 64 records never interleave. */
#include "../common.h"

enum { WRITERS = 8, RECORDS = 64 };

int main(void)
{
    CHECK_EQ(PIPE_BUF, 4096);
    int p[2];
    pipe(p);
    pid_t kids[WRITERS];
    for (int w = 0; w < WRITERS; w++) {
        kids[w] = t_fork();
        if (kids[w] == 0) {
            close(p[0]);
            char rec[PIPE_BUF];
            memset(rec, 'A' + w, sizeof rec);
            for (int r = 0; r < RECORDS; r++) {
                rec[0] = (char)r;
                if (write(p[1], rec, sizeof rec) != (ssize_t)sizeof rec)
                    _exit(1);
            }
            _exit(0);
        }
    }
    close(p[1]);
    static char rec[PIPE_BUF];
    int counts[WRITERS] = {0}, next[WRITERS] = {0}, torn = 0, order = 0, total = 0;
    for (;;) {
        size_t got = 0;
        ssize_t n = 0;
        while (got < sizeof rec && (n = read(p[0], rec + got, sizeof rec - got)) > 0)
            got += (size_t)n;
        if (got == 0)
            break;
        if (got != sizeof rec) {
            torn++;
            break;
        }
        int w = rec[1] - 'A';
        if (w < 0 || w >= WRITERS) {
            torn++;
            continue;
        }
        for (size_t i = 1; i < sizeof rec; i++)
            if (rec[i] != 'A' + w) {
                torn++;
                break;
            }
        order += rec[0] != next[w];
        next[w] = rec[0] + 1;
        counts[w]++;
        total++;
    }
    CHECK_EQ(torn, 0);
    CHECK_EQ(order, 0);
    CHECK_EQ(total, WRITERS * RECORDS);
    for (int w = 0; w < WRITERS; w++) {
        CHECK_EQ(counts[w], RECORDS);
        CHECK_EQ(t_wait(kids[w]), 0);
    }
    OK("no interleaving");
    return t_done();
}
