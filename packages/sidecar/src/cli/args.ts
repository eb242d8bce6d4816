import { type ParseArgsConfig, parseArgs } from "node:util";
import { ValidationError } from "@sfn/contracts";

/** Code of a command-line usage error (the CLI exits 2 with it). */
export const USAGE_ERROR = "SFN_USAGE";

export function usageError(message: string): never {
  throw new ValidationError(message, { code: USAGE_ERROR });
}

/** `parseArgs` whose mistakes (an unknown option, a missing value) are usage errors, not stack traces. */
export function parseCommandArgs<O extends NonNullable<ParseArgsConfig["options"]>>(
  args: string[],
  options: O,
  usage: string,
) {
  try {
    return parseArgs({ args, allowPositionals: true, strict: true, options });
  } catch (error) {
    return usageError(`${(error as Error).message}\n${usage}`);
  }
}

/** An optional integer option: undefined when absent, a usage error when not an integer in range. */
export function integerOption(
  value: string | undefined,
  name: string,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    usageError(`${name} must be an integer from ${min} to ${max}, not '${value}'`);
  return n;
}
