import { NotFoundError, SystemError } from "@sfn/contracts";
import { SidecarErrorCodes } from "../errors.js";
import { sha256Digest, verifyDigest } from "./digest.js";
import { type ImageManifest, MediaTypes } from "./media-types.js";
import type { ImageReference } from "./reference.js";

export interface RegistryCredentials {
  username: string;
  password: string;
}

export interface RegistryClientOptions {
  /** Per registry host; used for Basic auth and for the token service of a Bearer challenge. */
  credentials?: Record<string, RegistryCredentials>;
  /** Hosts spoken to over plain HTTP; default: loopback hosts only. */
  plainHttp?: (host: string) => boolean;
  fetch?: typeof fetch;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?$/;

function registryError(message: string, status: number, details: Record<string, unknown> = {}): SystemError {
  return new SystemError(message, {
    code: SidecarErrorCodes.registry,
    details: { status, ...details },
    retryable: status >= 500 || status === 429,
  });
}

/**
 * A small client of the OCI Distribution API (v2): what build, publish and the sidecar need — blobs
 * (check, get with digest verification, upload, cross-repository mount) and manifests — with anonymous,
 * Basic and Bearer-token (WWW-Authenticate challenge) authentication. Works against any conforming
 * registry; tested against Debian's docker-registry (distribution 2.8).
 */
export class RegistryClient {
  readonly #options: RegistryClientOptions;
  readonly #tokens = new Map<string, string>();

  constructor(options: RegistryClientOptions = {}) {
    this.#options = options;
  }

  #base(host: string): string {
    const plain = this.#options.plainHttp?.(host) ?? LOOPBACK.test(host);
    return `${plain ? "http" : "https"}://${host}`;
  }

  async #request(host: string, path: string, init: RequestInit, scope: string): Promise<Response> {
    const doFetch = this.#options.fetch ?? fetch;
    const url = path.startsWith("http") ? path : `${this.#base(host)}${path}`;
    const headers = new Headers(init.headers);
    const token = this.#tokens.get(`${host} ${scope}`);
    const credentials = this.#options.credentials?.[host];
    if (token) headers.set("authorization", `Bearer ${token}`);
    else if (credentials)
      headers.set("authorization", `Basic ${btoa(`${credentials.username}:${credentials.password}`)}`);
    let response = await doFetch(url, { ...init, headers });
    const challenge = response.headers.get("www-authenticate");
    if (response.status === 401 && challenge?.toLowerCase().startsWith("bearer ") && !token) {
      await response.body?.cancel();
      const fresh = await this.#fetchToken(host, challenge, scope);
      headers.set("authorization", `Bearer ${fresh}`);
      response = await doFetch(url, { ...init, headers });
    }
    return response;
  }

  async #fetchToken(host: string, challenge: string, scope: string): Promise<string> {
    const params = Object.fromEntries(
      [...challenge.slice(7).matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]] as const),
    );
    if (!params.realm) throw registryError(`registry ${host} sent a Bearer challenge without a realm`, 401);
    const url = new URL(params.realm);
    if (params.service) url.searchParams.set("service", params.service);
    url.searchParams.set("scope", params.scope ?? scope);
    const credentials = this.#options.credentials?.[host];
    const headers: Record<string, string> = credentials
      ? { authorization: `Basic ${btoa(`${credentials.username}:${credentials.password}`)}` }
      : {};
    const response = await (this.#options.fetch ?? fetch)(url, { headers });
    if (!response.ok)
      throw registryError(`token service of ${host} answered ${response.status}`, response.status);
    const body = (await response.json()) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!token) throw registryError(`token service of ${host} returned no token`, response.status);
    this.#tokens.set(`${host} ${scope}`, token);
    return token;
  }

  /** `GET /v2/`: the registry is reachable and speaks the API. */
  async ping(host: string): Promise<boolean> {
    try {
      const response = await this.#request(host, "/v2/", { method: "GET" }, "registry:catalog:*");
      await response.body?.cancel();
      return response.status === 200 || response.status === 401;
    } catch {
      return false;
    }
  }

  async hasBlob(ref: ImageReference, digest: string): Promise<boolean> {
    const response = await this.#request(
      ref.registry,
      `/v2/${ref.repository}/blobs/${digest}`,
      { method: "HEAD" },
      `repository:${ref.repository}:pull`,
    );
    if (response.status === 404) return false;
    if (!response.ok) throw registryError(`HEAD blob ${digest}: ${response.status}`, response.status);
    return true;
  }

  /** Downloads a blob and verifies that its bytes hash to `digest` (SFN_DIGEST_MISMATCH otherwise). */
  async getBlob(ref: ImageReference, digest: string): Promise<Buffer> {
    const response = await this.#request(
      ref.registry,
      `/v2/${ref.repository}/blobs/${digest}`,
      { method: "GET" },
      `repository:${ref.repository}:pull`,
    );
    if (response.status === 404)
      throw new NotFoundError(`blob ${digest} not found in ${ref.repository}`, {
        code: SidecarErrorCodes.registry,
        details: { digest, repository: ref.repository },
      });
    if (!response.ok) throw registryError(`GET blob ${digest}: ${response.status}`, response.status);
    const bytes = Buffer.from(await response.arrayBuffer());
    verifyDigest(bytes, digest, `blob ${ref.repository}@${digest}`);
    return bytes;
  }

  /** Uploads a blob unless the repository has it (POST then PUT, the monolithic upload). */
  async putBlob(ref: ImageReference, digest: string, bytes: Uint8Array): Promise<"uploaded" | "exists"> {
    if (await this.hasBlob(ref, digest)) return "exists";
    const scope = `repository:${ref.repository}:pull,push`;
    const start = await this.#request(
      ref.registry,
      `/v2/${ref.repository}/blobs/uploads/`,
      { method: "POST" },
      scope,
    );
    await start.body?.cancel();
    const location = start.headers.get("location");
    if (start.status !== 202 || !location)
      throw registryError(`starting an upload to ${ref.repository}: ${start.status}`, start.status);
    const target = new URL(location, this.#base(ref.registry));
    target.searchParams.set("digest", digest);
    const put = await this.#request(
      ref.registry,
      target.toString(),
      {
        method: "PUT",
        headers: { "content-type": "application/octet-stream", "content-length": String(bytes.length) },
        body: Buffer.from(bytes),
      },
      scope,
    );
    const text = await put.text();
    if (put.status !== 201) throw registryError(`uploading ${digest}: ${put.status} ${text}`, put.status);
    return "uploaded";
  }

  /** Cross-repository mount of a blob the registry has in `from` (no transfer); false if not mounted. */
  async mountBlob(ref: ImageReference, digest: string, from: string): Promise<boolean> {
    const query = new URLSearchParams({ mount: digest, from });
    const response = await this.#request(
      ref.registry,
      `/v2/${ref.repository}/blobs/uploads/?${query}`,
      { method: "POST" },
      `repository:${ref.repository}:pull,push repository:${from}:pull`,
    );
    await response.body?.cancel();
    return response.status === 201;
  }

  /** The manifest bytes (verified against the digest when the reference has one) and its digest. */
  async getManifest(
    ref: ImageReference,
  ): Promise<{ manifest: ImageManifest; bytes: Buffer; digest: string }> {
    const id = ref.digest ?? ref.tag ?? "latest";
    const response = await this.#request(
      ref.registry,
      `/v2/${ref.repository}/manifests/${id}`,
      { method: "GET", headers: { accept: [MediaTypes.manifest, MediaTypes.dockerManifest].join(", ") } },
      `repository:${ref.repository}:pull`,
    );
    if (response.status === 404)
      throw new NotFoundError(`manifest ${ref.repository}:${id} not found`, {
        code: SidecarErrorCodes.registry,
        details: { repository: ref.repository, reference: id },
      });
    if (!response.ok)
      throw registryError(`GET manifest ${ref.repository}:${id}: ${response.status}`, response.status);
    const bytes = Buffer.from(await response.arrayBuffer());
    const digest = sha256Digest(bytes);
    if (ref.digest) verifyDigest(bytes, ref.digest, `manifest ${ref.repository}`);
    return { manifest: JSON.parse(bytes.toString("utf8")) as ImageManifest, bytes, digest };
  }

  async putManifest(ref: ImageReference, tag: string, bytes: Uint8Array, mediaType: string): Promise<string> {
    const response = await this.#request(
      ref.registry,
      `/v2/${ref.repository}/manifests/${tag}`,
      { method: "PUT", headers: { "content-type": mediaType }, body: Buffer.from(bytes) },
      `repository:${ref.repository}:pull,push`,
    );
    const text = await response.text();
    if (response.status !== 201)
      throw registryError(
        `PUT manifest ${ref.repository}:${tag}: ${response.status} ${text}`,
        response.status,
      );
    return response.headers.get("docker-content-digest") ?? "";
  }
}
