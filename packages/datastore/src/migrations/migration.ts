/** One versioned file of sql/: `NNNN_name.sql`. */
export interface Migration {
  version: number;
  name: string;
  /** SHA-256 hex of the file's UTF-8 bytes with LF line endings. */
  checksum: string;
  sql: string;
}
