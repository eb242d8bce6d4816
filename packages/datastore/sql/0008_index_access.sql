-- sfn 0008: let equality filters use the GIN index under row-level security.
--
-- PostgreSQL evaluates a row-level policy before any user condition that is not LEAKPROOF, and such a
-- condition cannot become an index condition. jsonb containment (@>) is not marked LEAKPROOF, so without
-- this step every filtered query scans the whole collection. The sfn compiler only ever applies @> to a
-- document and a parameter, and containment raises no data-dependent error, so marking it LEAKPROOF leaks
-- nothing. Only a superuser may do so; elsewhere the step is skipped with a notice and queries stay
-- correct but use the (database, collection) index only. docs/datastore.md explains the trade-off.
DO $$
BEGIN
  IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    ALTER FUNCTION pg_catalog.jsonb_contains(jsonb, jsonb) LEAKPROOF;
  ELSE
    RAISE NOTICE 'sfn: not a superuser, jsonb containment stays non-LEAKPROOF (GIN index unused under RLS)';
  END IF;
END
$$;
