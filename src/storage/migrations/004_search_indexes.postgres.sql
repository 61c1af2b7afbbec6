-- Version 4 (PostgreSQL): the order search (OrderFilter::q: number, customer code,
-- customer name or external reference ILIKE '%q%') served by trigram indexes, so that a
-- term of three or more characters does not read every order: PostgreSQL combines the
-- four with a BitmapOr. pg_trgm ships with PostgreSQL and is a trusted extension: the
-- role that owns Ordo's database may create it (docs/deploy.md).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX orders_number_trgm ON orders USING gin (number gin_trgm_ops);
CREATE INDEX orders_customer_code_trgm ON orders USING gin (customer_code gin_trgm_ops);
CREATE INDEX orders_customer_name_trgm ON orders USING gin (customer_name gin_trgm_ops);
CREATE INDEX orders_external_ref_trgm ON orders USING gin (external_ref gin_trgm_ops);
