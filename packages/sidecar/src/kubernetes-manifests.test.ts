import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { apps, autoscaling, networkingK8sIo, v1 } from "kubernetes-models";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";

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

function find(kind: string) {
  const found = documents.find((d) => d.object.kind === kind);
  if (!found) throw new Error(`no ${kind} in deploy/kubernetes`);
  return found.object;
}

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

  it("the pod shares its process namespace and the apps volume, runs non-root on read-only root filesystems", () => {
    const pod = find("Deployment").spec.template.spec;
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
    expect(pod.containers[0].command).toContain("supervise");
    expect(pod.containers[1].command).toContain("run");
  });

  it("the function port is one fixed port: the supervisor's, the container's, the sidecar's check and the policy's", () => {
    const pod = find("Deployment").spec.template.spec;
    const [main, sidecar] = pod.containers;
    const env = (name: string) => main.env.find((e: { name: string }) => e.name === name)?.value;
    const port = Number(env("SFN_HTTP_PORT"));
    expect(main.command).toContain("supervise");
    expect(main.ports.find((p: { name: string }) => p.name === "http")?.containerPort).toBe(port);
    expect(Number(find("ConfigMap").data.SFN_FUNCTION_HTTP_PORT)).toBe(port);
    expect(sidecar.envFrom[0].configMapRef.name).toBe(find("ConfigMap").metadata.name);
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
  });

  it("the HPA scales the pool on a metric the sidecar exports", () => {
    const hpa = find("HorizontalPodAutoscaler");
    expect(hpa.spec.scaleTargetRef.name).toBe(find("Deployment").metadata.name);
    expect(hpa.spec.metrics[0].pods.metric.name).toBe("sfn_sidecar_assigned");
    const metricsSource = readFileSync(
      join(dirname(fileURLToPath(import.meta.url)), "sidecar/metrics.ts"),
      "utf8",
    );
    expect(metricsSource).toContain('"sfn_sidecar_assigned"');
    expect(metricsSource).toContain('"unassigned_containers"');
  });

  it("the network policy isolates the function pods", () => {
    const policy = find("NetworkPolicy");
    expect(policy.spec.podSelector.matchLabels.app).toBe("function-runtime");
    expect(policy.spec.policyTypes).toEqual(["Ingress", "Egress"]);
  });
});
