import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createFixtureIssuer } from "./oidc/issuer.js";

export interface DevIssuerOptions {
  /** Directory for the signing keys (`jwks.json`), kept across restarts. */
  dataDir: string;
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
}

export interface DevIssuer {
  /** The issuer identifier, e.g. `http://127.0.0.1:40123`; also its discovery base URL. */
  issuer: string;
  close(): Promise<void>;
}

/**
 * The fixture's OIDC issuer (discovery, JWKS, introspection, the test-user grant for the fixture users),
 * running inside the calling process: what `sfn dev` embeds so that local development needs no external
 * identity provider. Tokens are minted with `mintToken(user, { issuer, clientId: TEST_CLIENT_ID, … })`.
 */
export async function startDevIssuer(options: DevIssuerOptions): Promise<DevIssuer> {
  const host = options.host ?? "127.0.0.1";
  // The issuer URL must name the port, which is known only once listening: bind first, attach after.
  let handle: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => {
    res.statusCode = 503;
    res.end();
  };
  const server = createServer((req, res) => handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const issuer = `http://${host}:${port}`;
  try {
    const provider = await createFixtureIssuer({ issuer, dataDir: options.dataDir });
    handle = provider.callback();
  } catch (error) {
    server.close();
    throw error;
  }
  return {
    issuer,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
