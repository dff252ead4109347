-- Sorting with worker threads (PRAGMA threads=4): 300,000 rows from a recursive CTE (no random(),
-- so the same rows on every run), sorted by CREATE INDEX and by ORDER BY / window ORDER BY. The
-- sorter spills to several PMAs (sorted runs) with the default cache size and merges them in
-- worker threads. Checksums weigh every row by its position in the sorted order.
.bail on
PRAGMA threads = 4;
SELECT 'threads', threads FROM pragma_threads;
PRAGMA temp_store = FILE;
CREATE TABLE t(x INTEGER, y TEXT);
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 300000)
INSERT INTO t SELECT (i * 2654435761) % 1000000007,
                     printf('%08x-%s-%d', (i * 40503) % 4294967291, substr('abcdefghijklmnopqrstuvwxyz', 1 + i % 26, 1 + i % 7), i % 977)
              FROM c;
SELECT 'rows', count(*), sum(x), sum(length(y)) FROM t;
CREATE INDEX t_x ON t(x);
CREATE INDEX t_y ON t(y DESC, x);
PRAGMA integrity_check;
SELECT 'by y', count(*), sum(n * (x % 1009)), sum(n * length(y)), sum(n * unicode(substr(y, 10)))
  FROM (SELECT row_number() OVER (ORDER BY substr(y, 10), x) AS n, x, y FROM t);
SELECT 'by x', count(*), sum(n * (length(y) + x % 13))
  FROM (SELECT row_number() OVER (ORDER BY x DESC, y) AS n, x, y FROM t);
SELECT n, x, y FROM (SELECT row_number() OVER (ORDER BY substr(y, 10), x) AS n, x, y FROM t) WHERE n % 30000 = 1;
SELECT x, y FROM t ORDER BY y, x LIMIT 3 OFFSET 150000;
SELECT x, y FROM t INDEXED BY t_y ORDER BY y DESC, x LIMIT 3 OFFSET 200000;
SELECT 'distinct', count(*) FROM (SELECT DISTINCT substr(y, 1, 3) FROM t);
