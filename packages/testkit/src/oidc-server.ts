/**
 * Entry point of the fixture's OIDC issuer process. `sfn-fixture up` starts it detached:
 *
 *   node dist/oidc-server.js --issuer http://127.0.0.1:18900 --host 127.0.0.1 --port 18900 --data-dir DIR
 *
 * It writes nothing but its log (stdout/stderr, redirected by the parent) and `jwks.json` in DIR.
 */
import { parseArgs } from "node:util";
import { createFixtureIssuer, oidcProviderVersion } from "./oidc/issuer.js";

const { values } = parseArgs({
  options: {
    issuer: { type: "string" },
    host: { type: "string", default: "127.0.0.1" },
    port: { type: "string" },
    "data-dir": { type: "string" },
  },
  strict: true,
});

if (!values.issuer || !values.port || !values["data-dir"]) {
  console.error("usage: oidc-server --issuer URL --port N --data-dir DIR [--host 127.0.0.1]");
  process.exit(2);
}

const stamp = () => new Date().toISOString();

async function main(issuer: string, port: number, host: string, dataDir: string): Promise<void> {
  const provider = await createFixtureIssuer({ issuer, dataDir });

  provider.on("server_error", (_ctx, err) => console.error(`${stamp()} server_error`, err));
  provider.on("grant.error", (ctx, err) => {
    const grantType = (ctx.oidc?.params as { grant_type?: string } | undefined)?.grant_type;
    const detail = (err as { error_detail?: string }).error_detail;
    console.error(
      `${stamp()} grant.error (${grantType ?? "?"}): ${err.message}${detail ? ` (${detail})` : ""}`,
    );
  });

  const server = provider.listen(port, host);
  server.on("listening", () => {
    console.log(
      `${stamp()} sfn-fixture OIDC issuer ${issuer} listening on ${host}:${port} ` +
        `(oidc-provider ${oidcProviderVersion()}, node ${process.version}, pid ${process.pid})`,
    );
  });
  server.on("error", (err) => {
    console.error(`${stamp()} cannot listen on ${host}:${port}: ${err.message}`);
    process.exit(1);
  });

  const shutdown = (signal: string) => {
    console.log(`${stamp()} ${signal}: shutting down`);
    server.close(() => process.exit(0));
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

main(values.issuer, Number(values.port), values.host, values["data-dir"]).catch((err: unknown) => {
  console.error(`${stamp()} failed to start:`, err);
  process.exit(1);
});
