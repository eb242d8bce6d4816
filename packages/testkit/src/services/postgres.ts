import { chownSync, existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { aptInstall } from "../apt.js";
import { DEFAULT_DATABASE, type FixtureConfig, shellQuote } from "../config.js";
import { probePostgres } from "../probes.js";
import {
  asUser,
  isAlive,
  isRoot,
  type RunResult,
  readPidFile,
  run,
  systemUser,
  tailFile,
  tailText,
  userCanWrite,
} from "../system.js";

export const PG_MAJOR = 15;
const PG_USER = "postgres";

export interface PostgresPaths {
  root: string;
  data: string;
  socketDir: string;
  log: string;
}

export function postgresPaths(dir: string): PostgresPaths {
  const root = join(dir, "postgres");
  return { root, data: join(root, "data"), socketDir: join(root, "run"), log: join(root, "postgres.log") };
}

/**
 * Server options (pg_ctl hands them to /bin/sh, hence the quoting) for the throwaway cluster: loopback only, a private socket directory and settings
 * that trade durability for speed (fsync/synchronous_commit/full_page_writes off). Never use these
 * for data you want to keep.
 */
export function postgresServerOptions(options: { port: number; host: string; socketDir: string }): string[] {
  return [
    `-p ${options.port}`,
    `-k ${shellQuote(options.socketDir)}`,
    `-c listen_addresses=${options.host}`,
    "-c max_connections=200",
    "-c fsync=off",
    "-c synchronous_commit=off",
    "-c full_page_writes=off",
  ];
}

/** The PostgreSQL 15 binary directory, installing `postgresql-15` with apt when it is missing. */
export async function ensurePostgresBinDir(log: (line: string) => void): Promise<string> {
  const candidates = [process.env.SFN_PG_BIN, `/usr/lib/postgresql/${PG_MAJOR}/bin`].filter(
    (d): d is string => !!d,
  );
  const find = () => candidates.find((d) => existsSync(join(d, "pg_ctl")) && existsSync(join(d, "initdb")));
  const found = find();
  if (found) return found;
  await aptInstall([`postgresql-${PG_MAJOR}`], log);
  const installed = find();
  if (!installed) throw new Error(`apt-get installed postgresql-${PG_MAJOR} but pg_ctl was not found`);
  return installed;
}

async function pgCtl(binDir: string, args: string[], cwd: string): Promise<RunResult> {
  const [cmd, argv] = asUser(PG_USER, join(binDir, "pg_ctl"), args);
  // Detached: the postmaster inherits pg_ctl's session, so a Ctrl-C in the terminal that ran
  // `sfn-fixture up` (or vitest) does not reach the database.
  return run(cmd, argv, { cwd, detached: true, timeoutMs: 120_000 });
}

function prepareDirs(paths: PostgresPaths): void {
  mkdirSync(paths.root, { recursive: true });
  mkdirSync(paths.socketDir, { recursive: true });
  if (isRoot()) {
    const account = systemUser(PG_USER);
    if (!account)
      throw new Error(`the ${PG_USER} system user does not exist (is postgresql-${PG_MAJOR} installed?)`);
    chownSync(paths.root, account.uid, account.gid);
    chownSync(paths.socketDir, account.uid, account.gid);
    if (!userCanWrite(PG_USER, paths.root)) {
      throw new Error(
        `the ${PG_USER} user cannot write to ${paths.root} (a parent directory is not traversable). ` +
          "initdb refuses to run as root, so point SFN_FIXTURE_DIR at a directory under /tmp instead.",
      );
    }
  }
}

export async function startPostgres(config: FixtureConfig, log: (line: string) => void): Promise<number> {
  const binDir = await ensurePostgresBinDir(log);
  const paths = postgresPaths(config.dir);
  prepareDirs(paths);

  if (!existsSync(join(paths.data, "PG_VERSION"))) {
    log(`postgres: initdb ${paths.data}`);
    const [cmd, argv] = asUser(PG_USER, join(binDir, "initdb"), [
      "-D",
      paths.data,
      "-U",
      "postgres",
      "--auth=trust",
      "-E",
      "UTF8",
      "--locale=C",
      "--no-sync",
    ]);
    const init = await run(cmd, argv, { cwd: paths.root, timeoutMs: 120_000 });
    if (init.code !== 0) {
      throw new Error(`initdb failed (exit ${init.code}):\n${tailText(init.stdout + init.stderr, 30)}`);
    }
  }

  // A postmaster from an earlier start with other options (say, another port) holds the data dir.
  const status = await pgCtl(binDir, ["status", "-D", paths.data], paths.root);
  if (status.code === 0) {
    log("postgres: a server is running on the data directory but not answering as configured; restarting it");
    await pgCtl(binDir, ["stop", "-D", paths.data, "-m", "fast", "-w"], paths.root);
  }

  const options = postgresServerOptions({
    port: config.pgPort,
    host: config.host,
    socketDir: paths.socketDir,
  });
  const start = await pgCtl(
    binDir,
    ["start", "-D", paths.data, "-l", paths.log, "-w", "-t", "60", "-o", options.join(" ")],
    paths.root,
  );
  if (start.code !== 0) {
    throw new Error(
      `pg_ctl start failed (exit ${start.code}): ${start.stderr.trim() || start.stdout.trim()}\n` +
        `--- tail of ${paths.log} ---\n${await tailFile(paths.log)}`,
    );
  }

  await ensureDatabase(config, DEFAULT_DATABASE);
  const probe = await probePostgres(config.env.SFN_DATABASE_URL, 5000);
  if (!probe.ok) {
    throw new Error(
      `PostgreSQL started but ${config.env.SFN_DATABASE_URL} does not answer: ${probe.error}\n` +
        `--- tail of ${paths.log} ---\n${await tailFile(paths.log)}`,
    );
  }
  const pid = postgresPid(config.dir);
  if (!pid) throw new Error(`PostgreSQL answered but ${join(paths.data, "postmaster.pid")} is missing`);
  return pid;
}

/** Creates the database if it does not exist yet (connecting to the `postgres` maintenance DB). */
async function ensureDatabase(config: FixtureConfig, name: string): Promise<void> {
  const { default: pg } = await import("pg");
  const admin = new URL(config.env.SFN_DATABASE_URL);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString(), connectionTimeoutMillis: 5000 });
  client.on("error", () => {});
  await client.connect();
  try {
    const exists = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (exists.rowCount === 0) {
      try {
        await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
      } catch (err) {
        if ((err as { code?: string }).code !== "42P04") throw err; // duplicate_database: lost a race
      }
    }
  } finally {
    await client.end().catch(() => {});
  }
}

export function postgresPid(dir: string): number | undefined {
  const pid = readPidFile(join(postgresPaths(dir).data, "postmaster.pid"));
  return isAlive(pid) ? pid : undefined;
}

export async function stopPostgres(dir: string): Promise<boolean> {
  const paths = postgresPaths(dir);
  if (!postgresPid(dir)) return false;
  const binDir = await ensurePostgresBinDir(() => {});
  const res = await pgCtl(binDir, ["stop", "-D", paths.data, "-m", "fast", "-w", "-t", "60"], paths.root);
  if (res.code !== 0 && postgresPid(dir)) {
    throw new Error(`pg_ctl stop failed (exit ${res.code}): ${res.stderr.trim() || res.stdout.trim()}`);
  }
  return true;
}
