-- sfn 0010: the application catalog and deployment coordination (design document: "Deployment
-- Coordination", "Container Lifecycle"). Written by `sfn publish` / `sfn deploy` and by the sidecars
-- (@sfn/sidecar), which claim deployments with FOR UPDATE SKIP LOCKED, hold them under a lease renewed by
-- their heartbeat, and record every phase in sfn.deployment_events. Changes are announced with NOTIFY on
-- the channels sfn_deployments and sfn_deployment_events. See docs/deployment.md.

-- The application catalog: one row per built and published version of an application.
CREATE TABLE sfn.application_catalog (
  app_name          varchar(255) NOT NULL CHECK (app_name ~ '^[A-Za-z][A-Za-z0-9_-]{0,127}$'),
  version           varchar(100) NOT NULL CHECK (version ~ '^[A-Za-z0-9][A-Za-z0-9._+-]{0,99}$'),
  app_layer_image   varchar(500) NOT NULL,                -- registry/repository@sha256:<manifest digest>
  base_image        varchar(500) NOT NULL,                -- base runtime reference, with its digest
  interface_hash    varchar(100) NOT NULL,                -- platform interfaces the app was built against
  contract_hash     varchar(100),                         -- the service contract's hash
  schema_definition jsonb        NOT NULL,                -- the service contract
  topic_mappings    jsonb        NOT NULL DEFAULT '{}',   -- MQTT topic configuration
  layer_digest      varchar(100) NOT NULL CHECK (layer_digest ~ '^sha256:[0-9a-f]{64}$'),
  layer_size        bigint       NOT NULL CHECK (layer_size >= 0),
  breaking_approved boolean      NOT NULL DEFAULT false,  -- an operator accepted a breaking difference
  approved_by       varchar(255),
  created_by        varchar(255),
  created_at        timestamptz  NOT NULL DEFAULT clock_timestamp(),
  status            varchar(50)  NOT NULL DEFAULT 'built'
                    CHECK (status IN ('built', 'tested', 'approved', 'deprecated')),
  PRIMARY KEY (app_name, version)
);

-- One row per application: the version operations want, and the pod that serves it.
CREATE TABLE sfn.application_deployments (
  app_name          varchar(255) PRIMARY KEY,
  target_version    varchar(100) NULL,                    -- NULL = no target (undeployed)
  deployment_action varchar(20)  NOT NULL DEFAULT 'deploy' CHECK (deployment_action IN ('deploy', 'rollback', 'undeploy')),
  assigned_pod_id   varchar(255),                         -- pod claiming this deployment
  lease_expires_at  timestamptz,                          -- the claim ends here unless the pod heart-beats
  state             varchar(20)  NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'deploying', 'serving', 'failed', 'stopped')),
  generation        bigint       NOT NULL DEFAULT 1,      -- +1 on every request; a pod acts on a newer one
  current_version   varchar(100),                         -- the version last confirmed ready
  previous_version  varchar(100),                         -- the one before it (`sfn rollback`)
  ready_deadline_ms integer      NOT NULL DEFAULT 30000 CHECK (ready_deadline_ms BETWEEN 100 AND 3600000),
  failure           jsonb,                                -- the last failure {code, message, details}
  updated_at        timestamptz  NOT NULL DEFAULT clock_timestamp(),
  deployed_by       varchar(255),
  FOREIGN KEY (app_name, target_version) REFERENCES sfn.application_catalog (app_name, version)
);
CREATE INDEX application_deployments_pod ON sfn.application_deployments (assigned_pod_id);

-- The pods (sidecars) of the pool, with their lease.
CREATE TABLE sfn.runtime_pods (
  pod_id           varchar(255) PRIMARY KEY,
  base_image       varchar(500) NOT NULL,
  interface_hash   varchar(100) NOT NULL,
  state            varchar(20)  NOT NULL CHECK (state IN ('monitoring', 'claiming', 'deploying', 'serving', 'stopping')),
  app_name         varchar(255),
  started_at       timestamptz  NOT NULL DEFAULT clock_timestamp(),
  heartbeat_at     timestamptz  NOT NULL DEFAULT clock_timestamp(),
  lease_expires_at timestamptz  NOT NULL
);

-- The history: every request and every phase a pod went through, with how long it took.
CREATE TABLE sfn.deployment_events (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  app_name    varchar(255) NOT NULL,
  version     varchar(100),
  generation  bigint,
  pod_id      varchar(255),
  event       varchar(30)  NOT NULL CHECK (event IN ('requested', 'claimed', 'expired', 'verified', 'pulled',
                'unpacked', 'composed', 'started', 'ready', 'failed', 'rolled_back', 'released', 'stopped')),
  duration_ms double precision CHECK (duration_ms >= 0),
  details     jsonb        NOT NULL DEFAULT '{}',
  at          timestamptz  NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX deployment_events_app ON sfn.deployment_events (app_name, id);

-- NOTIFY on every change of a deployment row and on every event (payloads stay far below 8000 bytes).
CREATE FUNCTION sfn._deployment_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('sfn_deployments', json_build_object('app', NEW.app_name, 'generation', NEW.generation,
    'state', NEW.state, 'assigned', NEW.assigned_pod_id, 'target', NEW.target_version)::text);
  RETURN NULL;
END
$$;
CREATE TRIGGER application_deployments_notify AFTER INSERT OR UPDATE ON sfn.application_deployments
  FOR EACH ROW EXECUTE FUNCTION sfn._deployment_notify();

CREATE FUNCTION sfn._deployment_event_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('sfn_deployment_events', json_build_object('id', NEW.id, 'app', NEW.app_name,
    'event', NEW.event, 'generation', NEW.generation)::text);
  RETURN NULL;
END
$$;
CREATE TRIGGER deployment_events_notify AFTER INSERT ON sfn.deployment_events
  FOR EACH ROW EXECUTE FUNCTION sfn._deployment_event_notify();

CREATE FUNCTION sfn._deployment_event(p_app text, p_version text, p_generation bigint, p_pod text,
  p_event text, p_duration_ms double precision DEFAULT NULL, p_details jsonb DEFAULT '{}')
RETURNS void LANGUAGE sql AS $$
  INSERT INTO sfn.deployment_events (app_name, version, generation, pod_id, event, duration_ms, details)
  VALUES (p_app, p_version, p_generation, p_pod, p_event, p_duration_ms, coalesce(p_details, '{}'))
$$;

-- Operations: set the target version of an application (deploy), go back to the previous one (rollback),
-- or stop it (undeploy). Each bumps the generation, so the assigned pod (or a new one) acts on it.
CREATE FUNCTION sfn.deployment_request(p_app text, p_action text, p_version text, p_by text,
  p_ready_deadline_ms integer DEFAULT NULL)
RETURNS sfn.application_deployments LANGUAGE plpgsql AS $$
DECLARE
  d sfn.application_deployments;
  v_target text;
  v_status text;
BEGIN
  IF p_action NOT IN ('deploy', 'rollback', 'undeploy') THEN
    PERFORM sfn._invalid('SFN_DEPLOY_ACTION_INVALID', 'action must be deploy, rollback or undeploy');
  END IF;
  SELECT * INTO d FROM sfn.application_deployments WHERE app_name = p_app FOR UPDATE;
  IF p_action = 'deploy' THEN
    v_target := p_version;
  ELSIF p_action = 'rollback' THEN
    v_target := d.previous_version;
    IF v_target IS NULL THEN
      PERFORM sfn._raise('NotFound', 'SFN_DEPLOY_NO_PREVIOUS',
        format('%s has no previous version to roll back to', p_app), jsonb_build_object('app', p_app));
    END IF;
  ELSE
    IF d.app_name IS NULL THEN
      PERFORM sfn._raise('NotFound', 'SFN_DEPLOY_UNKNOWN_APP', format('%s is not deployed', p_app),
        jsonb_build_object('app', p_app));
    END IF;
    v_target := NULL;
  END IF;
  IF v_target IS NOT NULL THEN
    SELECT status INTO v_status FROM sfn.application_catalog WHERE app_name = p_app AND version = v_target;
    IF v_status IS NULL THEN
      PERFORM sfn._raise('NotFound', 'SFN_CATALOG_NOT_FOUND', format('%s %s is not in the catalog', p_app, v_target),
        jsonb_build_object('app', p_app, 'version', v_target));
    ELSIF v_status = 'deprecated' THEN
      PERFORM sfn._raise('Conflict', 'SFN_CATALOG_DEPRECATED', format('%s %s is deprecated', p_app, v_target),
        jsonb_build_object('app', p_app, 'version', v_target));
    END IF;
  END IF;
  IF d.app_name IS NULL THEN
    INSERT INTO sfn.application_deployments (app_name, target_version, deployment_action, deployed_by,
      ready_deadline_ms)
    VALUES (p_app, v_target, p_action, p_by, coalesce(p_ready_deadline_ms, 30000))
    RETURNING * INTO d;
  ELSE
    UPDATE sfn.application_deployments SET target_version = v_target, deployment_action = p_action,
      deployed_by = p_by, generation = generation + 1, failure = NULL,
      ready_deadline_ms = coalesce(p_ready_deadline_ms, ready_deadline_ms),
      state = CASE WHEN v_target IS NULL AND assigned_pod_id IS NULL THEN 'stopped' ELSE 'pending' END,
      updated_at = clock_timestamp()
    WHERE app_name = p_app RETURNING * INTO d;
  END IF;
  PERFORM sfn._deployment_event(p_app, v_target, d.generation, NULL, 'requested', NULL,
    jsonb_build_object('action', p_action, 'by', p_by));
  RETURN d;
END
$$;

-- A pod in monitoring mode claims one deployment that wants a pod: unassigned, or whose pod's lease
-- expired, not failed, and built for this pod's base runtime. FOR UPDATE SKIP LOCKED: concurrent claims
-- never wait for each other and never take the same row. Returns no row when there is nothing to claim.
CREATE FUNCTION sfn.deployment_claim(p_pod text, p_base_image text, p_lease_seconds integer)
RETURNS SETOF sfn.application_deployments LANGUAGE plpgsql AS $$
DECLARE
  d sfn.application_deployments;
  v_previous_pod text;
  v_expired boolean;
BEGIN
  IF coalesce(p_lease_seconds, 0) < 1 THEN
    PERFORM sfn._invalid('SFN_ARGUMENTS_INVALID', 'the lease must be at least one second');
  END IF;
  IF EXISTS (SELECT 1 FROM sfn.application_deployments
             WHERE assigned_pod_id = p_pod AND lease_expires_at > clock_timestamp()) THEN
    RETURN; -- one deployment per pod
  END IF;
  SELECT c.* INTO d FROM sfn.application_deployments c
    JOIN sfn.application_catalog a ON a.app_name = c.app_name AND a.version = c.target_version
  WHERE c.target_version IS NOT NULL AND c.state <> 'failed'
    AND (c.assigned_pod_id IS NULL OR c.lease_expires_at IS NULL OR c.lease_expires_at <= clock_timestamp())
    AND (p_base_image IS NULL OR a.base_image = p_base_image)
  ORDER BY c.updated_at, c.app_name
  LIMIT 1
  FOR UPDATE OF c SKIP LOCKED;
  IF d.app_name IS NULL THEN
    RETURN;
  END IF;
  v_previous_pod := d.assigned_pod_id;
  v_expired := v_previous_pod IS NOT NULL;
  UPDATE sfn.application_deployments SET assigned_pod_id = p_pod, state = 'deploying',
    lease_expires_at = clock_timestamp() + make_interval(secs => p_lease_seconds),
    updated_at = clock_timestamp()
  WHERE app_name = d.app_name RETURNING * INTO d;
  IF v_expired THEN
    PERFORM sfn._deployment_event(d.app_name, d.target_version, d.generation, v_previous_pod, 'expired', NULL,
      jsonb_build_object('takenOverBy', p_pod));
  END IF;
  PERFORM sfn._deployment_event(d.app_name, d.target_version, d.generation, p_pod, 'claimed', NULL,
    CASE WHEN v_expired THEN jsonb_build_object('from', v_previous_pod) ELSE '{}'::jsonb END);
  RETURN NEXT d;
END
$$;

-- The pod's heartbeat: records it, renews the lease of the pod and of its deployment, and returns the
-- deployment the pod holds (none when it lost it) and the number of unassigned pods of the pool.
CREATE FUNCTION sfn.pod_heartbeat(p_pod text, p_base_image text, p_interface_hash text, p_state text,
  p_lease_seconds integer)
RETURNS TABLE (held_app text, held_generation bigint, held_target text, held_state text,
  unassigned_pods integer) LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO sfn.runtime_pods AS p (pod_id, base_image, interface_hash, state, lease_expires_at)
  VALUES (p_pod, p_base_image, p_interface_hash, p_state,
    clock_timestamp() + make_interval(secs => p_lease_seconds))
  ON CONFLICT (pod_id) DO UPDATE SET base_image = EXCLUDED.base_image,
    interface_hash = EXCLUDED.interface_hash, state = EXCLUDED.state, heartbeat_at = clock_timestamp(),
    lease_expires_at = EXCLUDED.lease_expires_at;
  UPDATE sfn.application_deployments SET lease_expires_at = clock_timestamp() + make_interval(secs => p_lease_seconds)
  WHERE assigned_pod_id = p_pod AND lease_expires_at > clock_timestamp();
  UPDATE sfn.runtime_pods SET app_name = (SELECT app_name FROM sfn.application_deployments
    WHERE assigned_pod_id = p_pod AND lease_expires_at > clock_timestamp() LIMIT 1) WHERE pod_id = p_pod;
  RETURN QUERY
    SELECT d.app_name::text, d.generation, d.target_version::text, d.state::text,
      (SELECT count(*)::integer FROM sfn.runtime_pods r
       WHERE r.state = 'monitoring' AND r.lease_expires_at > clock_timestamp())
    FROM (SELECT 1) one
    LEFT JOIN sfn.application_deployments d ON d.assigned_pod_id = p_pod AND d.lease_expires_at > clock_timestamp();
END
$$;

-- Progress of the pod that holds a deployment: records the event, moves the state. Returns false (and
-- records nothing) when the pod no longer holds this generation — it must stop acting on it.
CREATE FUNCTION sfn.deployment_progress(p_app text, p_pod text, p_generation bigint, p_event text,
  p_duration_ms double precision DEFAULT NULL, p_details jsonb DEFAULT '{}')
RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
  d sfn.application_deployments;
BEGIN
  SELECT * INTO d FROM sfn.application_deployments WHERE app_name = p_app FOR UPDATE;
  IF d.app_name IS NULL OR d.assigned_pod_id IS DISTINCT FROM p_pod OR d.generation <> p_generation THEN
    RETURN false;
  END IF;
  IF p_event = 'ready' THEN
    UPDATE sfn.application_deployments SET state = 'serving', failure = NULL, updated_at = clock_timestamp(),
      previous_version = CASE WHEN current_version IS DISTINCT FROM target_version THEN current_version
                              ELSE previous_version END,
      current_version = target_version
    WHERE app_name = p_app;
  ELSIF p_event IN ('verified', 'pulled', 'unpacked', 'composed', 'started') THEN
    UPDATE sfn.application_deployments SET state = 'deploying', updated_at = clock_timestamp()
    WHERE app_name = p_app AND state <> 'deploying';
  ELSIF p_event = 'stopped' THEN
    UPDATE sfn.application_deployments SET state = 'stopped', assigned_pod_id = NULL, lease_expires_at = NULL,
      updated_at = clock_timestamp()
    WHERE app_name = p_app;
  ELSE
    PERFORM sfn._invalid('SFN_DEPLOY_EVENT_INVALID', format('%s is not a progress event', p_event));
  END IF;
  PERFORM sfn._deployment_event(p_app, d.target_version, p_generation, p_pod, p_event, p_duration_ms, p_details);
  RETURN true;
END
$$;

-- A failed deployment: recorded; with p_rollback and a version that was ready before, the target goes
-- back to it (a new generation for the same pod, event rolled_back); otherwise the deployment is failed
-- and released — no pod claims it again until the next request.
CREATE FUNCTION sfn.deployment_fail(p_app text, p_pod text, p_generation bigint, p_failure jsonb,
  p_rollback boolean, p_duration_ms double precision DEFAULT NULL)
RETURNS sfn.application_deployments LANGUAGE plpgsql AS $$
DECLARE
  d sfn.application_deployments;
BEGIN
  SELECT * INTO d FROM sfn.application_deployments WHERE app_name = p_app FOR UPDATE;
  IF d.app_name IS NULL OR d.assigned_pod_id IS DISTINCT FROM p_pod OR d.generation <> p_generation THEN
    RETURN NULL;
  END IF;
  PERFORM sfn._deployment_event(p_app, d.target_version, p_generation, p_pod, 'failed', p_duration_ms,
    coalesce(p_failure, '{}'));
  IF p_rollback AND d.current_version IS NOT NULL AND d.current_version IS DISTINCT FROM d.target_version THEN
    UPDATE sfn.application_deployments SET target_version = current_version, deployment_action = 'rollback',
      generation = generation + 1, state = 'pending', failure = p_failure, updated_at = clock_timestamp()
    WHERE app_name = p_app RETURNING * INTO d;
    PERFORM sfn._deployment_event(p_app, d.target_version, d.generation, p_pod, 'rolled_back', NULL,
      jsonb_build_object('from', (SELECT version FROM sfn.deployment_events WHERE app_name = p_app
        AND generation = p_generation AND event = 'failed' ORDER BY id DESC LIMIT 1)));
  ELSE
    UPDATE sfn.application_deployments SET state = 'failed', failure = p_failure, assigned_pod_id = NULL,
      lease_expires_at = NULL, updated_at = clock_timestamp()
    WHERE app_name = p_app RETURNING * INTO d;
  END IF;
  RETURN d;
END
$$;

-- A pod gives its deployment back (graceful shutdown): another pod of the pool claims it at once.
CREATE FUNCTION sfn.pod_leave(p_pod text) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  d record;
  n integer := 0;
BEGIN
  FOR d IN UPDATE sfn.application_deployments SET assigned_pod_id = NULL, lease_expires_at = NULL,
      state = CASE WHEN target_version IS NULL THEN 'stopped' WHEN state = 'failed' THEN 'failed' ELSE 'pending' END,
      updated_at = clock_timestamp()
    WHERE assigned_pod_id = p_pod RETURNING app_name, target_version, generation
  LOOP
    PERFORM sfn._deployment_event(d.app_name, d.target_version, d.generation, p_pod, 'released');
    n := n + 1;
  END LOOP;
  DELETE FROM sfn.runtime_pods WHERE pod_id = p_pod;
  RETURN n;
END
$$;
