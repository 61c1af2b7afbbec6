-- Version 4 (SQLite): nothing to change; the SQLite store has its search structures since
-- version 3. The PostgreSQL twin adds trigram indexes for its order search. The file
-- keeps the versions of both dialects in step.
SELECT 1;
