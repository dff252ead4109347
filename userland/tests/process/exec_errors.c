/* execve failures return to the caller with the right errno and change nothing. */
#include "../common.h"

static int try_exec(const char *path)
{
    char *args[] = {(char *)path, NULL};
    char *env[] = {NULL};
    execve(path, args, env);
    return errno;
}

int main(void)
{
    CHECK_EQ(try_exec("./missing"), ENOENT);
    CHECK_EQ(try_exec("missing-dir/x"), ENOENT);
    t_mkfile("plain", "not a program\n");
    chmod("plain", 0644);
    CHECK_EQ(try_exec("./plain"), EACCES);
    chmod("plain", 0755);
    CHECK_EQ(try_exec("./plain"), ENOEXEC);
    mkdir("dir", 0755);
    CHECK_EQ(try_exec("./dir"), EACCES);
    CHECK_EQ(try_exec("./plain/x"), ENOTDIR);
    t_mkfile("empty", "");
    chmod("empty", 0755);
    CHECK_EQ(try_exec("./empty"), ENOEXEC);
    OK("errnos");

    /* execvp searches PATH; a missing name gives ENOENT */
    setenv("PATH", "/nonexistent:/also-not", 1);
    char *args[] = {"no-such-program-xyz", NULL};
    execvp("no-such-program-xyz", args);
    CHECK_EQ(errno, ENOENT);
    OK("execvp");

    /* still the same process, stdio still works */
    printf("still running\n");
    return t_done();
}
