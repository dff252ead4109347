-- Fixed SQL workload for the sqlite3 rows: inserts in a transaction, an index, aggregates,
-- a join and an update. Run as: sqlite3 DBFILE ".read workload.sql"
PRAGMA journal_mode = MEMORY;
PRAGMA synchronous = OFF;
DROP TABLE IF EXISTS t; DROP TABLE IF EXISTS u;
CREATE TABLE t(id INTEGER PRIMARY KEY, a INTEGER, b TEXT, c REAL);
CREATE TABLE u(k INTEGER PRIMARY KEY, name TEXT);
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000)
INSERT INTO t(id, a, b, c) SELECT i, (i * 7919) % 10007, printf('row-%08d-%x', i, i * 31), i * 0.5 FROM n;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 10006)
INSERT INTO u(k, name) SELECT i, 'name' || i FROM n;
COMMIT;
CREATE INDEX t_a ON t(a);
SELECT 'CHECK count', count(*), sum(a), round(sum(c), 1) FROM t;
SELECT 'CHECK groups', count(*) FROM (SELECT a, count(*) FROM t GROUP BY a HAVING count(*) > 10);
SELECT 'CHECK join', count(*), max(length(u.name)) FROM t JOIN u ON u.k = t.a WHERE t.id % 3 = 0;
SELECT 'CHECK like', count(*) FROM t WHERE b LIKE '%-0001%';
BEGIN;
UPDATE t SET c = c * 2 WHERE a < 5000;
DELETE FROM t WHERE id % 10 = 0;
COMMIT;
SELECT 'CHECK after', count(*), round(sum(c), 1) FROM t;
SELECT 'CHECK order', group_concat(id) FROM (SELECT id FROM t ORDER BY b DESC LIMIT 5);
