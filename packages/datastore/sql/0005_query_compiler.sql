-- sfn 0005: the query language (contracts: Query, Filter, FieldCondition, SortField) compiled to SQL.
--
-- Output is SQL text over the table alias d in which every value is a reference into ONE jsonb array
-- parameter, ($1->n); field paths are validated (0002) and quoted with %L. Values never enter SQL text.
-- Every predicate is two-valued (never NULL), so $not is an exact complement.

CREATE FUNCTION sfn._max_filter_depth() RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT 16 $$;
CREATE FUNCTION sfn._max_filter_values() RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT 1000 $$;

CREATE FUNCTION sfn._is_metadata(p_path text[]) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
  SELECT cardinality(p_path) = 1 AND p_path[1] IN ('id', 'owner', 'createdAt', 'updatedAt')
$$;

-- The jsonb value of a field of row d (SQL NULL when absent). Metadata fields read the columns.
CREATE FUNCTION sfn._value_sql(p_path text[]) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN NOT sfn._is_metadata(p_path) THEN format('(d.data #> %L::text[])', p_path::text)
    WHEN p_path[1] = 'id' THEN 'to_jsonb(d.id::text)'
    WHEN p_path[1] = 'owner' THEN 'to_jsonb(d.owner)'
    WHEN p_path[1] = 'createdAt' THEN 'to_jsonb(sfn._ts(d.created_at))'
    ELSE 'to_jsonb(sfn._ts(d.updated_at))' END
$$;

-- Adds a value to the parameter array; returns the SQL that reads it back.
CREATE FUNCTION sfn._param(INOUT params jsonb, p_value jsonb, OUT ref text) LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  IF jsonb_array_length(params) >= sfn._max_filter_values() THEN
    PERFORM sfn._invalid('SFN_FILTER_TOO_LARGE',
      format('a query may hold at most %s values', sfn._max_filter_values()));
  END IF;
  params := params || jsonb_build_array(p_value);
  ref := format('($1->%s)', jsonb_array_length(params) - 1);
END
$$;

-- {"a":{"b": v}} for path {a,b}: the containment form of an equality, which a GIN index can answer.
CREATE FUNCTION sfn._nest(p_path text[], p_value jsonb) RETURNS jsonb LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  result jsonb := p_value;
  i integer;
BEGIN
  FOR i IN REVERSE cardinality(p_path) .. 1 LOOP
    result := jsonb_build_object(p_path[i], result);
  END LOOP;
  RETURN result;
END
$$;

CREATE FUNCTION sfn._equality(p_path text[], INOUT params jsonb, p_value jsonb, OUT sql text)
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  v text;
  c text;
  x text := sfn._value_sql(p_path);
BEGIN
  SELECT * INTO params, v FROM sfn._param(params, p_value);
  IF sfn._is_metadata(p_path) THEN
    sql := format('coalesce(%s = %s, false)', x, v);
  ELSE
    SELECT * INTO params, c FROM sfn._param(params, sfn._nest(p_path, p_value));
    -- The containment stays a bare conjunct (never NULL: data is NOT NULL) so the planner can make it an
    -- index condition; the exact comparison then removes containment's looser matches.
    sql := format('(d.data @> %s AND coalesce(%s = %s, false))', c, x, v);
  END IF;
END
$$;

CREATE FUNCTION sfn._condition(p_path text[], p_operator text, p_operand jsonb, INOUT params jsonb,
                               OUT sql text)
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  x text := sfn._value_sql(p_path);
  v text;
  t text := jsonb_typeof(p_operand);
  cmp text;
BEGIN
  CASE p_operator
    WHEN '$eq' THEN
      SELECT * INTO params, sql FROM sfn._equality(p_path, params, p_operand);
    WHEN '$ne' THEN
      SELECT * INTO params, sql FROM sfn._equality(p_path, params, p_operand);
      sql := format('(NOT %s)', sql);
    WHEN '$gt', '$gte', '$lt', '$lte' THEN
      cmp := CASE p_operator WHEN '$gt' THEN '>' WHEN '$gte' THEN '>=' WHEN '$lt' THEN '<' ELSE '<=' END;
      SELECT * INTO params, v FROM sfn._param(params, p_operand);
      IF t = 'number' THEN
        sql := format('coalesce(CASE WHEN jsonb_typeof(%1$s) = ''number'' THEN (%1$s)::numeric %2$s (%3$s)::numeric ELSE false END, false)', x, cmp, v);
      ELSIF t = 'string' THEN
        sql := format('coalesce(CASE WHEN jsonb_typeof(%1$s) = ''string'' THEN (%1$s #>> ''{}'') COLLATE "C" %2$s (%3$s #>> ''{}'') COLLATE "C" ELSE false END, false)', x, cmp, v);
      ELSE
        PERFORM sfn._invalid('SFN_FILTER_OPERAND', format('%s needs a number or a string', p_operator),
                             jsonb_build_object('field', array_to_string(p_path, '.'), 'operator', p_operator));
      END IF;
    WHEN '$in', '$nin' THEN
      IF t <> 'array' THEN
        PERFORM sfn._invalid('SFN_FILTER_OPERAND', format('%s needs an array', p_operator),
                             jsonb_build_object('field', array_to_string(p_path, '.'), 'operator', p_operator));
      END IF;
      IF jsonb_array_length(p_operand) > 1000 THEN
        PERFORM sfn._invalid('SFN_FILTER_TOO_LARGE', format('%s takes at most 1000 values', p_operator),
                             jsonb_build_object('field', array_to_string(p_path, '.'), 'operator', p_operator));
      END IF;
      SELECT * INTO params, v FROM sfn._param(params, p_operand);
      sql := format('coalesce(%s = ANY (ARRAY(SELECT jsonb_array_elements(%s))), false)', x, v);
      IF p_operator = '$nin' THEN
        sql := format('(NOT %s)', sql);
      END IF;
    WHEN '$exists' THEN
      IF t <> 'boolean' THEN
        PERFORM sfn._invalid('SFN_FILTER_OPERAND', '$exists needs true or false',
                             jsonb_build_object('field', array_to_string(p_path, '.'), 'operator', p_operator));
      END IF;
      sql := format('(%s IS %s NULL)', x, CASE WHEN (p_operand)::boolean THEN 'NOT' ELSE '' END);
    WHEN '$contains' THEN
      SELECT * INTO params, v FROM sfn._param(params, p_operand);
      sql := format('coalesce(CASE jsonb_typeof(%1$s) WHEN ''array'' THEN EXISTS (SELECT 1 FROM jsonb_array_elements(%1$s) e WHERE e = %2$s) WHEN ''string'' THEN jsonb_typeof(%2$s) = ''string'' AND strpos(%1$s #>> ''{}'', %2$s #>> ''{}'') > 0 ELSE false END, false)', x, v);
    WHEN '$startsWith' THEN
      IF t <> 'string' THEN
        PERFORM sfn._invalid('SFN_FILTER_OPERAND', '$startsWith needs a string',
                             jsonb_build_object('field', array_to_string(p_path, '.'), 'operator', p_operator));
      END IF;
      SELECT * INTO params, v FROM sfn._param(params, p_operand);
      sql := format('coalesce(CASE WHEN jsonb_typeof(%1$s) = ''string'' THEN starts_with(%1$s #>> ''{}'', %2$s #>> ''{}'') ELSE false END, false)', x, v);
    ELSE
      PERFORM sfn._invalid('SFN_FILTER_OPERATOR', 'unknown operator',
                           jsonb_build_object('field', array_to_string(p_path, '.'), 'operator', left(p_operator, 64)));
  END CASE;
END
$$;

CREATE FUNCTION sfn._compile_filter(p_filter jsonb, p_depth integer, INOUT params jsonb, OUT sql text)
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  k text;
  v jsonb;
  op text;
  operand jsonb;
  parts text[] := '{}';
  subs text[];
  sub text;
  path text[];
  i integer;
BEGIN
  IF p_depth > sfn._max_filter_depth() THEN
    PERFORM sfn._invalid('SFN_FILTER_TOO_DEEP',
      format('filters nest at most %s levels deep', sfn._max_filter_depth()));
  END IF;
  IF jsonb_typeof(p_filter) IS DISTINCT FROM 'object' THEN
    PERFORM sfn._invalid('SFN_FILTER_INVALID', 'a filter must be an object');
  END IF;
  FOR k, v IN SELECT e.key, e.value FROM jsonb_each(p_filter) e ORDER BY e.key COLLATE "C" LOOP
    IF k IN ('$and', '$or') THEN
      IF jsonb_typeof(v) <> 'array' OR jsonb_array_length(v) > 100 THEN
        PERFORM sfn._invalid('SFN_FILTER_INVALID', format('%s needs an array of at most 100 filters', k));
      END IF;
      subs := '{}';
      FOR i IN 0 .. jsonb_array_length(v) - 1 LOOP
        SELECT * INTO params, sub FROM sfn._compile_filter(v -> i, p_depth + 1, params);
        subs := subs || sub;
      END LOOP;
      IF cardinality(subs) = 0 THEN
        parts := parts || CASE WHEN k = '$and' THEN 'true' ELSE 'false' END;
      ELSE
        parts := parts || ('(' || array_to_string(subs, CASE WHEN k = '$and' THEN ' AND ' ELSE ' OR ' END) || ')');
      END IF;
    ELSIF k = '$not' THEN
      SELECT * INTO params, sub FROM sfn._compile_filter(v, p_depth + 1, params);
      parts := parts || ('(NOT ' || sub || ')');
    ELSIF left(k, 1) = '$' THEN
      PERFORM sfn._invalid('SFN_FILTER_OPERATOR', 'unknown logical operator',
                           jsonb_build_object('operator', left(k, 64)));
    ELSE
      path := sfn._field_path(k);
      IF jsonb_typeof(v) = 'object' AND EXISTS (SELECT 1 FROM jsonb_object_keys(v) o WHERE left(o, 1) = '$') THEN
        IF EXISTS (SELECT 1 FROM jsonb_object_keys(v) o WHERE left(o, 1) <> '$') THEN
          PERFORM sfn._invalid('SFN_FILTER_INVALID', 'a condition object cannot mix operators and fields',
                               jsonb_build_object('field', k));
        END IF;
        FOR op, operand IN SELECT e.key, e.value FROM jsonb_each(v) e ORDER BY e.key COLLATE "C" LOOP
          SELECT * INTO params, sub FROM sfn._condition(path, op, operand, params);
          parts := parts || sub;
        END LOOP;
      ELSE
        SELECT * INTO params, sub FROM sfn._equality(path, params, v);
        parts := parts || sub;
      END IF;
    END IF;
  END LOOP;
  sql := CASE WHEN cardinality(parts) = 0 THEN 'true' ELSE '(' || array_to_string(parts, ' AND ') || ')' END;
END
$$;

-- Sort order: type rank (absent, null, number, string, boolean, array, object), then the value
-- (numbers numerically, strings by code point, false before true), always ending with id ascending.
CREATE FUNCTION sfn.sort_rank(p jsonb) RETURNS integer LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN p IS NULL THEN 0 ELSE
    CASE jsonb_typeof(p) WHEN 'null' THEN 1 WHEN 'number' THEN 2 WHEN 'string' THEN 3 WHEN 'boolean' THEN 4
                         WHEN 'array' THEN 5 ELSE 6 END END
$$;

CREATE FUNCTION sfn._compile_sort(p_sort jsonb) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  s jsonb;
  path text[];
  dir text;
  x text;
  parts text[] := '{}';
BEGIN
  IF p_sort IS NULL OR jsonb_typeof(p_sort) = 'null' THEN
    RETURN 'd.id';
  END IF;
  IF jsonb_typeof(p_sort) <> 'array' OR jsonb_array_length(p_sort) > 8 THEN
    PERFORM sfn._invalid('SFN_SORT_INVALID', 'sort must be an array of at most 8 fields');
  END IF;
  FOR s IN SELECT e FROM jsonb_array_elements(p_sort) e LOOP
    IF jsonb_typeof(s) <> 'object' OR jsonb_typeof(s -> 'field') IS DISTINCT FROM 'string'
       OR EXISTS (SELECT 1 FROM jsonb_object_keys(s) o WHERE o NOT IN ('field', 'direction')) THEN
      PERFORM sfn._invalid('SFN_SORT_INVALID', 'a sort field is {"field": path, "direction": "asc"|"desc"}');
    END IF;
    path := sfn._field_path(s ->> 'field');
    dir := coalesce(s ->> 'direction', 'asc');
    IF dir NOT IN ('asc', 'desc') OR jsonb_typeof(s -> 'direction') NOT IN ('string', 'null') THEN
      PERFORM sfn._invalid('SFN_SORT_INVALID', 'direction is "asc" or "desc"');
    END IF;
    dir := upper(dir);
    IF sfn._is_metadata(path) THEN
      parts := parts || (CASE path[1] WHEN 'id' THEN 'd.id' WHEN 'owner' THEN 'd.owner COLLATE "C"'
                         WHEN 'createdAt' THEN 'd.created_at' ELSE 'd.updated_at' END || ' ' || dir);
    ELSE
      x := sfn._value_sql(path);
      parts := parts
        || format('sfn.sort_rank(%s) %s', x, dir)
        || format('(CASE WHEN jsonb_typeof(%1$s) = ''number'' THEN (%1$s)::numeric END) %2$s', x, dir)
        || format('(CASE WHEN jsonb_typeof(%1$s) = ''string'' THEN %1$s #>> ''{}'' END) COLLATE "C" %2$s', x, dir)
        || format('(CASE WHEN jsonb_typeof(%1$s) = ''boolean'' THEN (%1$s)::boolean END) %2$s', x, dir);
    END IF;
  END LOOP;
  RETURN array_to_string(parts || 'd.id'::text, ', ');
END
$$;

-- Projection paths as a jsonb array of text arrays (NULL = whole document).
CREATE FUNCTION sfn._compile_projection(p_projection jsonb) RETURNS jsonb LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  result jsonb := '[]';
  p jsonb;
BEGIN
  IF p_projection IS NULL OR jsonb_typeof(p_projection) = 'null' THEN
    RETURN NULL;
  END IF;
  IF jsonb_typeof(p_projection) <> 'array' OR jsonb_array_length(p_projection) > 64 THEN
    PERFORM sfn._invalid('SFN_PROJECTION_INVALID', 'projection must be an array of at most 64 field paths');
  END IF;
  FOR p IN SELECT e FROM jsonb_array_elements(p_projection) e LOOP
    IF jsonb_typeof(p) <> 'string' THEN
      PERFORM sfn._invalid('SFN_PROJECTION_INVALID', 'projection entries are field paths');
    END IF;
    result := result || jsonb_build_array(to_jsonb(sfn._field_path(p #>> '{}')));
  END LOOP;
  RETURN result;
END
$$;

-- Validates a Query's shape and compiles its parts.
CREATE FUNCTION sfn._compile_query(p_query jsonb, OUT where_sql text, OUT params jsonb, OUT order_sql text,
                                   OUT projection jsonb)
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  IF p_query IS NULL OR jsonb_typeof(p_query) = 'null' THEN
    p_query := '{}';
  END IF;
  IF jsonb_typeof(p_query) <> 'object'
     OR EXISTS (SELECT 1 FROM jsonb_object_keys(p_query) k WHERE k NOT IN ('filter', 'sort', 'projection')) THEN
    PERFORM sfn._invalid('SFN_QUERY_INVALID', 'a query is an object with filter, sort and projection');
  END IF;
  SELECT * INTO params, where_sql FROM sfn._compile_filter(coalesce(p_query -> 'filter', '{}'), 1, '[]');
  order_sql := sfn._compile_sort(p_query -> 'sort');
  projection := sfn._compile_projection(p_query -> 'projection');
END
$$;
