import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";

interface SigningKey {
  kid: string;
  alg: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export interface LocalIssuerOptions {
  /** Overrides of the discovery document (e.g. a jwks_uri elsewhere). */
  metadata?: Record<string, unknown>;
}

/**
 * A small but real OIDC issuer over HTTP on 127.0.0.1: a discovery document and a JWKS whose keys
 * the test controls (rotation, withdrawal, outage), and tokens signed with them. Used where the
 * shared fixture issuer cannot do what a test needs: rotate keys, stop, or mint arbitrary claims.
 */
export class LocalIssuer {
  readonly #server: Server;
  readonly #keys = new Map<string, SigningKey>();
  #published: string[] = [];
  #port = 0;
  #metadata: Record<string, unknown>;
  /** Paths requested so far, in order. */
  readonly requests: string[] = [];

  private constructor(options: LocalIssuerOptions) {
    this.#metadata = options.metadata ?? {};
    this.#server = createServer((req, res) => this.#handle(req, res));
  }

  static async start(options: LocalIssuerOptions = {}): Promise<LocalIssuer> {
    const issuer = new LocalIssuer(options);
    await issuer.listen();
    return issuer;
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** Starts listening (again, on the same port after stop()). */
  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once("error", reject);
      this.#server.listen(this.#port, "127.0.0.1", () => {
        this.#server.off("error", reject);
        resolve();
      });
    });
    this.#port = (this.#server.address() as AddressInfo).port;
  }

  /** Stops listening and drops open connections: the issuer is down. */
  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  setMetadata(metadata: Record<string, unknown>): void {
    this.#metadata = metadata;
  }

  /** Generates a signing key; publishes it unless told not to. */
  async addKey(kid: string, alg = "RS256", publish = true): Promise<void> {
    const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
    const publicJwk = { ...(await exportJWK(publicKey)), alg, use: "sig", kid };
    this.#keys.set(kid, { kid, alg, privateKey, publicJwk });
    if (publish) this.#published.push(kid);
  }

  /** Replaces the published key set. */
  publish(kids: string[]): void {
    this.#published = [...kids];
  }

  /** Publishes the public key of `kid` without its `kid` member (for issuers that omit kids). */
  publishWithoutKids(kids: string[]): void {
    this.#published = kids.map((kid) => `nokid:${kid}`);
  }

  /** A JWT access token signed with `kid`: iss, aud, sub, iat, exp defaulted, `claims` on top (undefined removes). */
  async sign(
    kid: string,
    claims: Record<string, unknown> = {},
    header: Record<string, unknown> = { typ: "at+jwt" },
  ): Promise<string> {
    const key = this.#keys.get(kid);
    if (!key) throw new Error(`no key ${kid}`);
    const now = Math.floor(Date.now() / 1000);
    const payload: Record<string, unknown> = {
      iss: this.url,
      aud: "urn:local:api",
      sub: "local-user",
      iat: now,
      exp: now + 300,
    };
    for (const [name, value] of Object.entries(claims)) {
      if (value === undefined) delete payload[name];
      else payload[name] = value;
    }
    const protectedHeader = { alg: key.alg, kid, ...header };
    if (header.kid === null) delete (protectedHeader as { kid?: unknown }).kid;
    return new SignJWT(payload).setProtectedHeader(protectedHeader as { alg: string }).sign(key.privateKey);
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const path = new URL(req.url ?? "/", this.url).pathname;
    this.requests.push(path);
    if (path === "/.well-known/openid-configuration") {
      this.#json(res, {
        issuer: this.url,
        jwks_uri: `${this.url}/jwks`,
        token_endpoint: `${this.url}/token`,
        response_types_supported: ["code"],
        subject_types_supported: ["public"],
        id_token_signing_alg_values_supported: ["RS256"],
        ...this.#metadata,
      });
    } else if (path === "/jwks") {
      const keys = this.#published.map((entry) => {
        const withoutKid = entry.startsWith("nokid:");
        const key = this.#keys.get(withoutKid ? entry.slice(6) : entry)!.publicJwk;
        if (!withoutKid) return key;
        const { kid: _kid, ...rest } = key;
        return rest;
      });
      this.#json(res, { keys });
    } else {
      res.writeHead(404).end();
    }
  }

  #json(res: ServerResponse, body: unknown): void {
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
  }
}
