/** One output file, relative to the output root. */
export interface GeneratedFile {
  path: string;
  content: string;
}

/** Sorted by path, so file sets compare and serialise deterministically. */
export function sortFiles(files: readonly GeneratedFile[]): GeneratedFile[] {
  return [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
