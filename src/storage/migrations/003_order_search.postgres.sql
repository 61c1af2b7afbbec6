-- Version 3 (PostgreSQL): nothing to change. The SQLite twin adds what makes the order
-- search fast there (a trigram index of order numbers and references, the distinct
-- customer names of the orders), kept by triggers. PostgreSQL searches with its own
-- plans; a pg_trgm index would be its equivalent, if a large database needs one. The file
-- keeps the versions of both dialects in step.
SELECT 1;
