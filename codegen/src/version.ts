/** Version of the generator; part of every cache key. Keep in step with package.json. */
export const GENERATOR_VERSION = "0.1.0";

/**
 * Revision of the generated output within a version; part of every cache key so that a change of output
 * (e.g. 2: extension members for open objects) is never served from a cache filled by an older build.
 */
export const OUTPUT_REVISION = 2;
