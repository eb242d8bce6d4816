import pkg from "../package.json" with { type: "json" };

/** Version of the generator (this package's version); part of every cache key. */
export const GENERATOR_VERSION: string = pkg.version;
