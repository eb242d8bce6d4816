/** breaking: an existing caller or service can fail; additive: compatible addition or loosening; neutral: no wire effect. */
export type Severity = "breaking" | "additive" | "neutral";

export interface Difference {
  /** JSON pointer into the contract (the new version's, or the old one's for removed parts). */
  pointer: string;
  severity: Severity;
  /** Stable rule id, e.g. `property-removed`, `required-added`, `enum-value-added`. */
  rule: string;
  message: string;
}

export interface Classification {
  verdict: "none" | "additive" | "breaking";
  differences: Difference[];
}
