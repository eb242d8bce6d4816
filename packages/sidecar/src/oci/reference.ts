import { ValidationError } from "@sfn/contracts";
import { SidecarErrorCodes } from "../errors.js";

/** A parsed image reference: `registry/repository[:tag][@sha256:…]`. */
export interface ImageReference {
  /** host[:port] of the registry. */
  registry: string;
  repository: string;
  tag: string | undefined;
  digest: string | undefined;
}

const REPOSITORY = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

function invalid(reference: string, why: string): never {
  throw new ValidationError(`invalid image reference '${reference}': ${why}`, {
    code: SidecarErrorCodes.referenceInvalid,
    details: { reference },
  });
}

/**
 * Parses a reference. The registry part is required (`127.0.0.1:5000/sfn/app:1.0`); there is no implicit
 * Docker Hub, because sfn talks to the registry it is given and nothing else.
 */
export function parseReference(reference: string): ImageReference {
  const at = reference.indexOf("@");
  const nameAndTag = at < 0 ? reference : reference.slice(0, at);
  const digest = at < 0 ? undefined : reference.slice(at + 1);
  if (digest !== undefined && !/^sha256:[0-9a-f]{64}$/.test(digest)) invalid(reference, "bad digest");
  const slash = nameAndTag.indexOf("/");
  if (slash < 0) invalid(reference, "a registry host is required (host[:port]/repository)");
  const registry = nameAndTag.slice(0, slash);
  let rest = nameAndTag.slice(slash + 1);
  let tag: string | undefined;
  const colon = rest.lastIndexOf(":");
  if (colon >= 0) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) invalid(reference, "bad tag");
  }
  if (!/^[A-Za-z0-9.-]+(:[0-9]{1,5})?$/.test(registry)) invalid(reference, "bad registry host");
  if (!REPOSITORY.test(rest)) invalid(reference, "bad repository name");
  return { registry, repository: rest, tag, digest };
}

export function formatReference(ref: ImageReference): string {
  return `${ref.registry}/${ref.repository}${ref.tag ? `:${ref.tag}` : ""}${ref.digest ? `@${ref.digest}` : ""}`;
}
