import type { CatalogEntry, DeploymentEvent } from "../db/rows.js";

/** One deployment event as `sfn deploy` prints it: time, app, version, generation, event, pod, duration. */
export function formatEvent(e: DeploymentEvent): string {
  const duration = e.durationMs === null ? "" : ` ${e.durationMs.toFixed(1)} ms`;
  const details = Object.keys(e.details).length === 0 ? "" : ` ${JSON.stringify(e.details)}`;
  return `${e.at.toISOString()} ${e.appName} ${e.version ?? "-"} #${e.generation ?? "-"} ${e.event}${e.podId ? ` (${e.podId})` : ""}${duration}${details}`;
}

/** One catalog row as `sfn catalog list` prints it (tab-separated). */
export function formatEntry(e: CatalogEntry): string {
  return `${e.appName}\t${e.version}\t${e.status}${e.breakingApproved ? "+breaking" : ""}\t${e.layerDigest.slice(0, 19)}\t${e.layerSize}\t${e.appLayerImage}`;
}

export const CATALOG_HEADER = "APP\tVERSION\tSTATUS\tLAYER\tBYTES\tIMAGE";
