/**
 * `deno task backup [DIR]`: a consistent snapshot of the database that DATABASE_URL names,
 * taken beside a running server, and its attachment files (ATTACHMENTS=fs:DIR), in a new
 * timestamped folder under DIR (default `backups`), with `manifest.json` (rows per table,
 * and the size and SHA-256 of each file).
 *
 * The snapshot is `VACUUM INTO`, a single read transaction: in WAL mode it never blocks the
 * server's writers, and nothing here writes to the live database. Should the server hold a
 * lock the snapshot needs (a checkpoint), it is the backup that waits (busy timeout), not
 * the server. Attachment files are copied after the snapshot, so every file a row of the
 * snapshot names exists already (files are stored before their row commits); files of rows
 * written later may come along and do no harm.
 *
 * A backup covers every workspace of the server, so it is logged (a JSON line on stdout)
 * rather than written to one workspace's audit log.
 */
import Database from "libsql";
import { loadConfig } from "../server/config.ts";
import {
  ATTACHMENTS_DIR,
  attachmentsPath,
  type BackupManifest,
  COUNTED_TABLES,
  DATABASE_FILE,
  databasePath,
  listFiles,
  MANIFEST,
  sha256File,
} from "./backup_manifest.ts";

/** How long the snapshot waits for a lock the server holds before giving up (ms). */
const BUSY_TIMEOUT_MS = 60_000;

/**
 * Takes a backup into a new folder under `root`.
 * @param env the server's configuration variables
 * @param root where the timestamped folder goes
 * @returns the folder and its manifest
 */
export async function backup(
  env: Record<string, string | undefined>,
  root: string,
): Promise<{ dir: string; manifest: BackupManifest }> {
  const config = loadConfig(env);
  const source = databasePath(config.databaseUrl);
  if (!source) {
    throw new Error(
      `Cannot back up ${config.databaseUrl}: only a local file: database; a remote libSQL server keeps its own backups`,
    );
  }
  await Deno.stat(source);
  const createdAt = new Date();
  const dir = `${root}/parley-${createdAt.toISOString().replace(/[:.]/g, "-")}`;
  await Deno.mkdir(dir, { recursive: true });
  const options = { encryptionKey: config.encryptionKey } as Database.Options;
  const live = new Database(source, options);
  try {
    live.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    live.prepare("VACUUM INTO ?").run(`${dir}/${DATABASE_FILE}`);
  } finally {
    live.close();
  }
  const attachments = attachmentsPath(config.attachments);
  if (attachments) await copyAttachments(attachments, `${dir}/${ATTACHMENTS_DIR}`);
  const manifest: BackupManifest = {
    format: "parley-backup/1",
    created_at: createdAt.toISOString(),
    counts: countRows(`${dir}/${DATABASE_FILE}`, options),
    files: [],
  };
  for (const path of await listFiles(dir)) {
    const { size } = await Deno.stat(`${dir}/${path}`);
    manifest.files.push({ path, bytes: size, sha256: await sha256File(`${dir}/${path}`) });
  }
  await Deno.writeTextFile(`${dir}/${MANIFEST}`, JSON.stringify(manifest, null, 2) + "\n");
  return { dir, manifest };
}

async function copyAttachments(from: string, to: string) {
  let files: string[];
  try {
    files = await listFiles(from);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return;
    throw e;
  }
  for (const path of files) {
    // a file still being written is not an attachment yet
    if (path.endsWith(".tmp")) continue;
    const target = `${to}/${path}`;
    await Deno.mkdir(target.slice(0, target.lastIndexOf("/")), { recursive: true });
    try {
      await Deno.copyFile(`${from}/${path}`, target);
    } catch (e) {
      // deleted since it was listed (its message was deleted): the snapshot may still name it
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
  }
}

function countRows(path: string, options: Database.Options): Record<string, number> {
  const snapshot = new Database(path, options);
  try {
    return Object.fromEntries(COUNTED_TABLES.map((table) => {
      const row = snapshot.prepare(`SELECT count(*) AS n FROM "${table}"`).get() as { n: number };
      return [table, Number(row.n)];
    }));
  } finally {
    snapshot.close();
  }
}

if (import.meta.main) {
  try {
    const { dir, manifest } = await backup(Deno.env.toObject(), Deno.args[0] ?? "backups");
    console.log(
      JSON.stringify({ level: "info", msg: "backup", dir, counts: manifest.counts, files: manifest.files.length }),
    );
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    Deno.exit(1);
  }
}
