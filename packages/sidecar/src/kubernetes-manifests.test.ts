import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { apps, autoscaling, networkingK8sIo, v1 } from "kubernetes-models";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { isSupervisorCommand } from "./launcher/kubernetes-launcher.js";

const dir = join(dirname(fileURLToPath(import.meta.url)), "../../../deploy/kubernetes");
const documents = readdirSync(dir)
  .filter((f) => f.endsWith(".yaml"))
  .flatMap((file) =>
    parseAllDocuments(readFileSync(join(dir, file), "utf8")).map((d) => ({ file, object: d.toJS() })),
  );

const models: Record<string, new (data: never) => { validate(): void }> = {
  "v1/ServiceAccount": v1.ServiceAccount as never,
  "v1/ConfigMap": v1.ConfigMap as never,
  "apps/v1/Deployment": apps.v1.Deployment as never,
  "autoscaling/v2/HorizontalPodAutoscaler": autoscaling.v2.HorizontalPodAutoscaler as never,
  "networking.k8s.io/v1/NetworkPolicy": networkingK8sIo.v1.NetworkPolicy as never,
};

function find(kind: string, name?: string) {
  const found = documents.find(
    (d) => d.object.kind === kind && (name === undefined || d.object.metadata.name === name),
  );
  if (!found) throw new Error(`no ${kind} ${name ?? ""} in deploy/kubernetes`);
  return found.object;
}

/** The pools: the Node one and the Python one, each a Deployment with the sidecar's ConfigMap. */
const pools = [
  { deployment: "function-runtime", file: "function-runtime.yaml", runtime: "runtime-node" },
  { deployment: "function-runtime-python", file: "function-runtime-python.yaml", runtime: "runtime-python" },
];
const configMapOf = (pod: { containers: { envFrom: { configMapRef?: { name: string } }[] }[] }) =>
  find("ConfigMap", pod.containers[1]!.envFrom[0]!.configMapRef!.name);

describe("deploy/kubernetes", () => {
  it("every object validates against the Kubernetes schemas", () => {
    expect(documents.length).toBeGreaterThanOrEqual(5);
    for (const { file, object } of documents) {
      const Model = models[`${object.apiVersion}/${object.kind}`];
      expect(Model, `${file}: ${object.apiVersion} ${object.kind} has no model here`).toBeDefined();
      expect(() => new Model!(object as never).validate(), `${file}: ${object.kind}`).not.toThrow();
    }
  });

  it("the schemas catch a broken object (the check can fail)", () => {
    const broken = structuredClone(find("Deployment"));
    broken.spec.replicas = "ten";
    expect(() => new apps.v1.Deployment(broken).validate()).toThrow();
  });

  it("there is a pool per base runtime; each claims only its runtime's applications", () => {
    expect(
      documents.filter((d) => d.object.kind === "Deployment").map((d) => d.object.metadata.name),
    ).toEqual(expect.arrayContaining(pools.map((p) => p.deployment)));
    for (const pool of pools) {
      const pod = find("Deployment", pool.deployment).spec.template.spec;
      expect(pod.containers[0].image).toContain(`/sfn/${pool.runtime}@sha256:`);
      expect(configMapOf(pod).data.SFN_BASE_IMAGE).toBe(pod.containers[0].image);
    }
    // the supervisor of each base image, as the kubernetes driver finds it
    const commands = pools.map(
      (p) => find("Deployment", p.deployment).spec.template.spec.containers[0].command,
    );
    expect(commands.map((c: string[]) => isSupervisorCommand(c))).toEqual([true, true]);
    expect(commands[1]).toEqual(["python", "-m", "sfn_runtime.supervise", "/opt/sfn/apps/current"]);
  });

  it.each(pools)(
    "the pod ($deployment) shares its process namespace and the apps volume, runs non-root on read-only root filesystems",
    ({ deployment }) => {
      const pod = find("Deployment", deployment).spec.template.spec;
      expect(pod.shareProcessNamespace).toBe(true);
      expect(pod.securityContext.runAsNonRoot).toBe(true);
      const names = pod.containers.map((c: { name: string }) => c.name);
      expect(names).toEqual(["function", "sidecar"]);
      for (const c of pod.containers) {
        expect(c.securityContext.readOnlyRootFilesystem).toBe(true);
        expect(c.securityContext.allowPrivilegeEscalation).toBe(false);
        expect(c.volumeMounts.find((m: { name: string }) => m.name === "apps")?.mountPath).toBe(
          "/opt/sfn/apps",
        );
      }
      expect(pod.containers[1].command).toContain("run");
    },
  );

  it.each(pools)(
    "the function port ($deployment) is one fixed port: the supervisor's, the container's, the sidecar's check and the policy's",
    ({ deployment }) => {
      const pod = find("Deployment", deployment).spec.template.spec;
      const [main, sidecar] = pod.containers;
      const env = (name: string) => main.env.find((e: { name: string }) => e.name === name)?.value;
      const port = Number(env("SFN_HTTP_PORT"));
      expect(isSupervisorCommand(main.command)).toBe(true);
      expect(main.ports.find((p: { name: string }) => p.name === "http")?.containerPort).toBe(port);
      expect(Number(configMapOf(pod).data.SFN_FUNCTION_HTTP_PORT)).toBe(port);
      expect(configMapOf(pod).data.SFN_LAUNCHER).toBe("kubernetes");
      expect(sidecar.command).toEqual(["node", "/opt/sfn/node_modules/@sfn/sidecar/dist/cli.js", "run"]);
      const probePorts = pod.containers.flatMap((c: Record<string, { httpGet?: { port: unknown } }>) =>
        ["readinessProbe", "livenessProbe", "startupProbe"].flatMap((k) => c[k]?.httpGet?.port ?? []),
      );
      const named = new Map<unknown, number>(
        pod.containers.flatMap((c: { ports: { name: string; containerPort: number }[] }) =>
          c.ports.map((p) => [p.name, p.containerPort] as const),
        ),
      );
      const admitted = find("NetworkPolicy").spec.ingress.flatMap((r: { ports: { port: number }[] }) =>
        r.ports.map((p) => p.port),
      );
      for (const probe of probePorts) expect(admitted).toContain(named.get(probe) ?? probe);
      expect(admitted).toContain(port);
    },
  );

  it("an HPA scales each pool on a metric the sidecar exports", () => {
    const hpas = documents.filter((d) => d.object.kind === "HorizontalPodAutoscaler").map((d) => d.object);
    expect(hpas.map((hpa) => hpa.spec.scaleTargetRef.name).sort()).toEqual(
      pools.map((p) => p.deployment).sort(),
    );
    for (const hpa of hpas) expect(hpa.spec.metrics[0].pods.metric.name).toBe("sfn_sidecar_assigned");
    const metricsSource = readFileSync(
      join(dirname(fileURLToPath(import.meta.url)), "sidecar/metrics.ts"),
      "utf8",
    );
    expect(metricsSource).toContain('"sfn_sidecar_assigned"');
    expect(metricsSource).toContain('"unassigned_containers"');
  });

  it("the network policy isolates the function pods of every pool", () => {
    const policy = find("NetworkPolicy");
    const [selector] = policy.spec.podSelector.matchExpressions;
    expect(selector).toMatchObject({ key: "app", operator: "In" });
    for (const pool of pools) {
      const labels = find("Deployment", pool.deployment).spec.template.metadata.labels;
      expect(selector.values).toContain(labels.app);
    }
    expect(policy.spec.policyTypes).toEqual(["Ingress", "Egress"]);
  });
});
