/** Stable codes of the errors this package raises (the type is in the error class). */
export const SidecarErrorCodes = {
  /** The pod's base runtime is not the one the application was built on. */
  baseImageMismatch: "SFN_BASE_IMAGE_MISMATCH",
  /** The application's interface hash is not compatible with the base runtime's and was not approved. */
  interfaceIncompatible: "SFN_INTERFACE_INCOMPATIBLE",
  /** The service contract changed in a breaking way and the catalog row is not approved for it. */
  contractBreaking: "SFN_CONTRACT_BREAKING_UNAPPROVED",
  /** A blob's bytes do not hash to the digest that names it. */
  digestMismatch: "SFN_DIGEST_MISMATCH",
  /** The registry answered with an error. */
  registry: "SFN_REGISTRY_ERROR",
  /** A layer holds a path outside the application directory, a link, or another unsupported entry. */
  layerInvalid: "SFN_LAYER_INVALID",
  /** The function did not answer /readyz in time. */
  notReady: "SFN_FUNCTION_NOT_READY",
  /** The function process exited while starting. */
  exited: "SFN_FUNCTION_EXITED",
  /** A service directory cannot be built. */
  buildInvalid: "SFN_BUILD_INVALID",
  /** An image reference cannot be parsed. */
  referenceInvalid: "SFN_REFERENCE_INVALID",
  /** A setting of the sidecar is missing or invalid. */
  settingInvalid: "SFN_SIDECAR_SETTING_INVALID",
} as const;

export type SidecarErrorCode = (typeof SidecarErrorCodes)[keyof typeof SidecarErrorCodes];
