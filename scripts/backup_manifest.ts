/** What a backup folder holds, written beside the files as `manifest.json`. */
export interface BackupManifest {
  format: "parley-backup/1";
  created_at: string;
  /** Rows per table in the snapshot. */
  counts: Record<string, number>;
  /** Every file of the backup but the manifest, relative to the folder, with its SHA-256. */
  files: { path: string; bytes: number; sha256: string }[];
}

export const MANIFEST = "manifest.json";
/** The database snapshot inside a backup folder. */
export const DATABASE_FILE = "parley.db";
/** Attachment files inside a backup folder, as they lay under `ATTACHMENTS=fs:DIR`. */
export const ATTACHMENTS_DIR = "attachments";
/** Tables counted in the manifest. */
export const COUNTED_TABLES = [
  "tenants",
  "users",
  "conversations",
  "participants",
  "messages",
  "reactions",
  "attachments",
  "audit_log",
];

/** SHA-256 of a file, read as a stream, in hex. */
export async function sha256File(path: string): Promise<string> {
  const { createHash } = await import("node:crypto");
  const hash = createHash("sha256");
  using file = await Deno.open(path);
  for await (const chunk of file.readable) hash.update(chunk);
  return hash.digest("hex");
}

/** Every regular file under `dir`, relative to it, sorted. */
export async function listFiles(dir: string, prefix = ""): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of Deno.readDir(`${dir}/${prefix}`)) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory) found.push(...await listFiles(dir, path));
    else if (entry.isFile) found.push(path);
  }
  return found.sort();
}

/** The local path a `file:` database URL names, or null for other URLs. */
export function databasePath(url: string): string | null {
  if (!url.startsWith("file:") || url.startsWith("file::memory:")) return null;
  return url.slice("file:".length).split("?")[0];
}

/** The folder an `fs:DIR` attachments setting names, or null for `db`. */
export function attachmentsPath(setting: string): string | null {
  return setting.startsWith("fs:") ? setting.slice(3) : null;
}
