-- sfn 0019: a request's readiness deadline is that request's only. sfn.deployment_request of 0010 kept the
-- deadline of an earlier request when a later one gave none (`coalesce(p_ready_deadline_ms,
-- ready_deadline_ms)`), so after one `sfn deploy --deadline 1500` every later deploy, rollback and undeploy
-- of the application also had 1.5 s to get ready. docs/deployment.md says `--deadline MS` is "the readiness
-- deadline of this request"; a request without one now gets the default 30 s. Otherwise unchanged.

CREATE OR REPLACE FUNCTION sfn.deployment_request(p_app text, p_action text, p_version text, p_by text,
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
      ready_deadline_ms = coalesce(p_ready_deadline_ms, 30000),
      state = CASE WHEN v_target IS NULL AND assigned_pod_id IS NULL THEN 'stopped' ELSE 'pending' END,
      updated_at = clock_timestamp()
    WHERE app_name = p_app RETURNING * INTO d;
  END IF;
  PERFORM sfn._deployment_event(p_app, v_target, d.generation, NULL, 'requested', NULL,
    jsonb_build_object('action', p_action, 'by', p_by));
  RETURN d;
END
$$;
