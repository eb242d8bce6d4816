// Generation time for 50 contracts × 5 languages, cold (empty cache: the baseline) and an incremental
// re-run where nothing changed (served from the input-hash cache). Prints numbers and the ratio.
//   pnpm --filter @sfn/codegen bench
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateContractCached } from "../src/contract/cached.js";
import { loadContract } from "../src/contract/load.js";
import type { Contract } from "../src/contract/model.js";
import { CONTRACT_LANGUAGES } from "../src/contract/options.js";

const CONTRACTS = 50;
const base = JSON.parse(
  readFileSync(new URL("../test/contracts/order-service.contract.json", import.meta.url), "utf8"),
);

function variant(i: number): Contract {
  const doc = structuredClone(base);
  doc.service = `order-service-${i}`;
  doc.definitions.Address.properties[`extra${i}`] = { type: "string", maxLength: i + 1 };
  return loadContract(doc, `variant ${i}`);
}

async function pass(
  contracts: Contract[],
  cacheDir: string,
): Promise<{ ms: number; files: number; hits: number }> {
  const start = performance.now();
  let files = 0;
  let hits = 0;
  for (const c of contracts)
    for (const lang of CONTRACT_LANGUAGES) {
      const r = await generateContractCached(c, lang, {}, cacheDir);
      files += r.files.length;
      if (r.cached) hits++;
    }
  return { ms: performance.now() - start, files, hits };
}

const t0 = performance.now();
const contracts = Array.from({ length: CONTRACTS }, (_, i) => variant(i));
const loadMs = performance.now() - t0;
const cacheDir = mkdtempSync(join(tmpdir(), "sfn-codegen-bench-"));
try {
  const cold = await pass(contracts, cacheDir);
  const warm = await pass(contracts, cacheDir);
  const runs = CONTRACTS * CONTRACT_LANGUAGES.length;
  console.log(`contracts: ${CONTRACTS} × languages: ${CONTRACT_LANGUAGES.length} = ${runs} generations`);
  console.log(`load + validate + normalise ${CONTRACTS} contracts: ${loadMs.toFixed(0)} ms`);
  console.log(
    `cold (baseline, empty cache): ${cold.ms.toFixed(0)} ms total, ${(cold.ms / runs).toFixed(1)} ms per contract×language, ${cold.files} files`,
  );
  console.log(
    `incremental (nothing changed): ${warm.ms.toFixed(1)} ms total, ${warm.hits}/${runs} cache hits`,
  );
  console.log(
    `ratio incremental / cold: ${(warm.ms / cold.ms).toFixed(4)} (${(cold.ms / warm.ms).toFixed(0)}× faster)`,
  );
} finally {
  rmSync(cacheDir, { recursive: true, force: true });
}
