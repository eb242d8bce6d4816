import { connect as netConnect } from "node:net";

export type ProbeResult =
  | { ok: true; version: string; detail?: Record<string, unknown> }
  | { ok: false; tcpOpen: boolean; error: string };

/** Plain TCP connect check with a short timeout. */
export function tcpOpen(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const socket = netConnect({ host, port });
    const done = (ok: boolean) => {
      socket.removeAllListeners();
      socket.destroy();
      resolvePromise(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

function hostPort(url: URL, defaultPort: number): { host: string; port: number } {
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  return { host, port: url.port ? Number(url.port) : defaultPort };
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * MQTT 5 check: TCP, then CONNECT → CONNACK with protocol version 5. The broker version comes from
 * the retained `$SYS/broker/version` topic when the broker publishes it (Mosquitto does; EMQX uses
 * `$SYS/brokers/<node>/version`), else "MQTT 5 broker".
 */
export async function probeMqtt(mqttUrl: string, timeoutMs = 2000): Promise<ProbeResult> {
  const url = new URL(mqttUrl);
  const defaultPort = url.protocol === "mqtts:" ? 8883 : 1883;
  const { host, port } = hostPort(url, defaultPort);
  if (!(await tcpOpen(host, port, Math.min(timeoutMs, 1000)))) {
    return { ok: false, tcpOpen: false, error: `nothing is listening on ${host}:${port}` };
  }
  const { connect } = await import("mqtt");
  return new Promise<ProbeResult>((resolvePromise) => {
    let settled = false;
    const client = connect(mqttUrl, {
      protocolVersion: 5,
      clean: true,
      clientId: `sfn-fixture-probe-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
      connectTimeout: timeoutMs,
      reconnectPeriod: 0,
      keepalive: 10,
    });
    const finish = (result: ProbeResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      client.end(true);
      resolvePromise(result);
    };
    const timer = setTimeout(
      () => finish({ ok: false, tcpOpen: true, error: `no MQTT 5 CONNACK within ${timeoutMs} ms` }),
      timeoutMs,
    );
    client.on("error", (err) => finish({ ok: false, tcpOpen: true, error: `MQTT: ${errorText(err)}` }));
    client.on("message", (topic, payload) => {
      if (topic.endsWith("/version")) finish({ ok: true, version: payload.toString("utf8").trim() });
    });
    client.on("connect", () => {
      clearTimeout(timer);
      client.subscribe(["$SYS/broker/version", "$SYS/brokers/+/version"], { qos: 0 }, (err) => {
        if (err) return finish({ ok: true, version: "MQTT 5 broker" });
        // A retained $SYS version follows the SUBACK at once; the grace period only matters for
        // brokers that publish none. It starts after the SUBACK (not at CONNACK) and is generous so
        // a loaded machine (CI running many suites) does not lose the real version string.
        setTimeout(() => finish({ ok: true, version: "MQTT 5 broker" }), Math.min(1500, timeoutMs));
      });
    });
  });
}

/** PostgreSQL check: TCP, then `SELECT version()` against the URL's database. */
export async function probePostgres(databaseUrl: string, timeoutMs = 3000): Promise<ProbeResult> {
  const url = new URL(databaseUrl);
  const { host, port } = hostPort(url, 5432);
  if (host && !host.startsWith("/") && !(await tcpOpen(host, port, Math.min(timeoutMs, 1000)))) {
    return { ok: false, tcpOpen: false, error: `nothing is listening on ${host}:${port}` };
  }
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: timeoutMs });
  client.on("error", () => {});
  try {
    await client.connect();
    const res = await client.query<{ version: string }>("SELECT version() AS version");
    return { ok: true, version: res.rows[0]?.version ?? "PostgreSQL" };
  } catch (err) {
    return { ok: false, tcpOpen: true, error: `PostgreSQL: ${errorText(err)}` };
  } finally {
    await client.end().catch(() => {});
  }
}

/** OIDC check: the discovery document answers and its `issuer` equals the configured issuer exactly. */
export async function probeOidc(issuer: string, timeoutMs = 3000): Promise<ProbeResult> {
  const url = new URL(issuer);
  const { host, port } = hostPort(url, url.protocol === "https:" ? 443 : 80);
  if (!(await tcpOpen(host, port, Math.min(timeoutMs, 1000)))) {
    return { ok: false, tcpOpen: false, error: `nothing is listening on ${host}:${port}` };
  }
  const discoveryUrl = `${issuer.replace(/\/$/, "")}/.well-known/openid-configuration`;
  try {
    const res = await fetch(discoveryUrl, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok)
      return { ok: false, tcpOpen: true, error: `GET ${discoveryUrl} answered HTTP ${res.status}` };
    const doc = (await res.json()) as Record<string, unknown>;
    if (doc.issuer !== issuer) {
      return {
        ok: false,
        tcpOpen: true,
        error: `discovery document at ${discoveryUrl} names issuer ${JSON.stringify(doc.issuer)}, expected ${JSON.stringify(issuer)}`,
      };
    }
    const fixture = doc.sfn_fixture as { implementation?: string; version?: string } | undefined;
    const version = fixture?.implementation
      ? `${fixture.implementation} ${fixture.version ?? ""}`.trim()
      : "OpenID Provider (external)";
    return { ok: true, version, detail: doc };
  } catch (err) {
    return { ok: false, tcpOpen: true, error: `GET ${discoveryUrl}: ${errorText(err)}` };
  }
}
