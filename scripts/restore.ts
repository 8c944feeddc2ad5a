/**
 * `deno task restore DIR`: puts a backup folder (see `backup.ts`) where DATABASE_URL and
 * ATTACHMENTS name. Both places must be empty or absent, and every file must match the
 * manifest's SHA-256; otherwise it exits non-zero having changed nothing. Files are copied
 * to temporary names beside their targets and renamed into place only once all are there.
 */
import { loadConfig } from "../server/config.ts";
import {
  ATTACHMENTS_DIR,
  attachmentsPath,
  type BackupManifest,
  DATABASE_FILE,
  databasePath,
  MANIFEST,
  sha256File,
} from "./backup_manifest.ts";

/** True when nothing is at `path`, or an empty file or folder. */
async function isEmptyOrAbsent(path: string): Promise<boolean> {
  try {
    const info = await Deno.stat(path);
    if (info.isFile) return info.size === 0;
    for await (const _ of Deno.readDir(path)) return false;
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return true;
    throw e;
  }
}

async function readManifest(dir: string): Promise<BackupManifest> {
  const manifest = JSON.parse(await Deno.readTextFile(`${dir}/${MANIFEST}`)) as BackupManifest;
  if (manifest.format !== "parley-backup/1" || !Array.isArray(manifest.files)) {
    throw new Error(`Cannot restore: ${dir}/${MANIFEST} is not a Parley backup manifest`);
  }
  for (const file of manifest.files) {
    if (file.path.split("/").includes("..") || file.path.startsWith("/")) {
      throw new Error(`Cannot restore: the manifest names a file outside the backup: ${file.path}`);
    }
    const actual = await sha256File(`${dir}/${file.path}`);
    if (actual !== file.sha256) {
      throw new Error(`Cannot restore: ${file.path} does not match its SHA-256 in the manifest`);
    }
  }
  if (!manifest.files.some((f) => f.path === DATABASE_FILE)) {
    throw new Error(`Cannot restore: the backup has no ${DATABASE_FILE}`);
  }
  return manifest;
}

/**
 * Restores a backup folder into the configured places.
 * @param env the configuration variables naming the targets
 * @param dir the backup folder
 */
export async function restore(env: Record<string, string | undefined>, dir: string): Promise<BackupManifest> {
  const config = loadConfig(env);
  const database = databasePath(config.databaseUrl);
  if (!database) throw new Error(`Cannot restore into ${config.databaseUrl}: only into a local file: database`);
  const attachments = attachmentsPath(config.attachments);
  const manifest = await readManifest(dir);
  const files = manifest.files.filter((f) => f.path.startsWith(`${ATTACHMENTS_DIR}/`));
  if (files.length > 0 && !attachments) {
    throw new Error("Cannot restore: the backup has attachment files but ATTACHMENTS is not fs:DIR");
  }
  for (const path of [database, `${database}-wal`, `${database}-shm`, ...(attachments ? [attachments] : [])]) {
    if (!await isEmptyOrAbsent(path)) throw new Error(`Cannot restore: ${path} is not empty`);
  }
  const suffix = `.restoring-${crypto.randomUUID()}`;
  const staged: string[] = [];
  try {
    await Deno.mkdir(database.includes("/") ? database.slice(0, database.lastIndexOf("/")) : ".", { recursive: true });
    await Deno.copyFile(`${dir}/${DATABASE_FILE}`, database + suffix);
    staged.push(database + suffix);
    if (attachments && files.length > 0) {
      const target = attachments.replace(/\/+$/, "") + suffix;
      staged.push(target);
      for (const file of files) {
        const to = `${target}/${file.path.slice(ATTACHMENTS_DIR.length + 1)}`;
        await Deno.mkdir(to.slice(0, to.lastIndexOf("/")), { recursive: true });
        await Deno.copyFile(`${dir}/${file.path}`, to);
      }
      // an empty folder may stand where the attachments go
      await Deno.remove(attachments).catch(() => {});
      await Deno.rename(target, attachments);
    }
    await Deno.remove(database).catch(() => {});
    await Deno.rename(database + suffix, database);
  } catch (e) {
    for (const path of staged) await Deno.remove(path, { recursive: true }).catch(() => {});
    throw e;
  }
  return manifest;
}

if (import.meta.main) {
  try {
    const dir = Deno.args[0];
    if (!dir) throw new Error("Usage: deno task restore DIR");
    const manifest = await restore(Deno.env.toObject(), dir.replace(/\/+$/, ""));
    console.log(JSON.stringify({ level: "info", msg: "restore", dir, counts: manifest.counts }));
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    Deno.exit(1);
  }
}
