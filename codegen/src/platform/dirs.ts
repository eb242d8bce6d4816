// The platform languages and where their bindings live (no generator code: cheap to import).

export const PLATFORM_LANGUAGES = [
  "typescript",
  "python",
  "go",
  "java",
  "csharp",
  "csharp-newtonsoft",
] as const;
export type PlatformLanguage = (typeof PLATFORM_LANGUAGES)[number];

/** Where each language's platform bindings live, relative to the repository root. */
export const PLATFORM_DIRS: Record<PlatformLanguage, string> = {
  typescript: "runtimes/node/src/generated",
  python: "runtimes/python/src/sfn_runtime/generated",
  go: "runtimes/go/generated",
  java: "runtimes/java/src/main/java/dev/sfn/generated",
  csharp: "runtimes/dotnet/Sfn.Runtime/Generated",
  "csharp-newtonsoft": "runtimes/dotnet/Sfn.Runtime.Mono/Generated",
};
