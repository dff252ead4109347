# SQLite 3.40.1 command-line shell (Debian sqlite3 3.40.1-2+deb12u2).
# The amalgamation (sqlite3.c, shell.c) is generated from the full source tree with the host's
# gcc + tclsh (`configure --disable-tcl && make sqlite3.c shell.c`, in amalg/), then sqlite3.c and
# shell.c are compiled with the target compiler using debian/rules' CFLAGS (the same feature set as
# Debian's sqlite3 binary; no readline). No source changes.
SRC_PKG=sqlite3
SRC_VERSION=3.40.1-2+deb12u2
SRC_SHA256=aaa776260ab4dc976db34aa7891819484c8676b5b2783123ebc6301e2ca5d655
PROGRAMS="sqlite3"

SQLITE_DEFS=(-fno-strict-aliasing
    -DSQLITE_SECURE_DELETE -DSQLITE_ENABLE_COLUMN_METADATA
    -DSQLITE_ENABLE_FTS3 -DSQLITE_ENABLE_FTS3_PARENTHESIS
    -DSQLITE_ENABLE_RTREE=1 -DSQLITE_SOUNDEX=1
    -DSQLITE_ENABLE_UNLOCK_NOTIFY
    -DSQLITE_OMIT_LOOKASIDE=1 -DSQLITE_ENABLE_DBSTAT_VTAB
    -DSQLITE_ALLOW_ROWID_IN_VIEW
    -DSQLITE_ENABLE_UPDATE_DELETE_LIMIT=1
    -DSQLITE_ENABLE_LOAD_EXTENSION
    -DSQLITE_ENABLE_JSON1
    -DSQLITE_LIKE_DOESNT_MATCH_BLOBS
    -DSQLITE_THREADSAFE=1
    -DSQLITE_ENABLE_FTS3_TOKENIZER=1
    -DSQLITE_USE_URI=1
    -DSQLITE_MAX_SCHEMA_RETRY=25
    -DSQLITE_ENABLE_PREUPDATE_HOOK
    -DSQLITE_ENABLE_SESSION
    -DSQLITE_ENABLE_STMTVTAB
    -DSQLITE_MAX_VARIABLE_NUMBER=250000
    # what configure finds on Linux/musl (the amalgamation is compiled without config.h)
    -DHAVE_USLEEP=1 -DHAVE_LOCALTIME_R=1 -DHAVE_GMTIME_R=1 -DHAVE_FDATASYNC=1
    -DHAVE_STRCHRNUL=1 -DHAVE_ISNAN=1 -DHAVE_MALLOC_H=1 -DHAVE_UTIME=1)

recipe_build() {
    if [ ! -f amalg/sqlite3.c ] || [ ! -f amalg/shell.c ]; then
        mkdir -p amalg
        (cd amalg && CC=gcc CFLAGS=-O1 ../configure --disable-tcl --disable-readline >/dev/null &&
            make -j"$JOBS" sqlite3.c shell.c TCLSH_CMD=tclsh)
    fi
    compile_objs obj $CFLAGS_OPT "${SQLITE_DEFS[@]}" -Iamalg -- amalg/sqlite3.c amalg/shell.c
    rm -f sqlite3
    $CC $CFLAGS_OPT -o sqlite3 obj/shell.o obj/sqlite3.o -lm
}
recipe_output() { echo "$WORK/sqlite3"; }
