import assert from "node:assert/strict";

/**
 * The layers point one way: routes → chat / realtime → db, with server/ assembling the
 * process and views/ depending on types only. These tests read every source file's imports
 * and fail on an import against that direction, and on any cycle between files.
 */
const ROOT = new URL("../../", import.meta.url).pathname;
const SOURCE_FOLDERS = ["chat", "db", "realtime", "routes", "server", "views", "static", "i18n"];

interface Import {
  from: string;
  to: string;
  typeOnly: boolean;
}

async function walk(dir: string, found: string[]) {
  for await (const entry of Deno.readDir(`${ROOT}${dir}`)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory && entry.name !== "migrations" && entry.name !== "vendor") await walk(path, found);
    else if (entry.isFile && /\.(ts|tsx)$/.test(entry.name)) found.push(path);
  }
}

function normalize(path: string): string {
  const parts: string[] = [];
  for (const part of path.split("/")) {
    if (part === "..") parts.pop();
    else if (part !== "." && part !== "") parts.push(part);
  }
  return parts.join("/");
}

async function readImports(): Promise<{ files: string[]; imports: Import[] }> {
  const files: string[] = ["main.ts"];
  for (const folder of SOURCE_FOLDERS) await walk(folder, files);
  const imports: Import[] = [];
  const pattern = /^(import|export)\s+(type\s+)?[^;]*?\sfrom\s+"(\.{1,2}\/[^"]+)"/gms;
  for (const file of files) {
    const text = await Deno.readTextFile(`${ROOT}${file}`);
    const dir = file.includes("/") ? file.slice(0, file.lastIndexOf("/")) : "";
    for (const m of text.matchAll(pattern)) {
      const typeOnly = m[2] !== undefined || /^import\s+\{[^}]*\}/.test(m[0]) && allTypes(m[0]);
      imports.push({ from: file, to: normalize(`${dir}/${m[3]}`), typeOnly });
    }
  }
  return { files, imports };
}

/** `import { type A, type B } from …` brings in types only, like `import type`. */
function allTypes(statement: string): boolean {
  const names = statement.slice(statement.indexOf("{") + 1, statement.indexOf("}")).split(",").map((s) => s.trim())
    .filter(Boolean);
  return names.length > 0 && names.every((n) => n.startsWith("type "));
}

const { files, imports } = await readImports();
const within = (folder: string) => (path: string) => path.startsWith(`${folder}/`);

function offenders(from: string, to: string[], options: { valuesOnly?: boolean } = {}): string[] {
  return imports
    .filter((i) => within(from)(i.from) && to.some((t) => within(t)(i.to)) && !(options.valuesOnly && i.typeOnly))
    .map((i) => `${i.from} → ${i.to}`);
}

Deno.test("every source file is read", () => {
  assert.ok(files.length > 80, `only ${files.length} files were read`);
  assert.ok(imports.length > 300, `only ${imports.length} imports were read`);
});

Deno.test("the domain (chat/) imports neither real-time, routes nor views, and only types from server/", () => {
  assert.deepEqual(offenders("chat", ["realtime", "routes", "views"]), []);
  assert.deepEqual(offenders("chat", ["server"], { valuesOnly: true }), []);
});

Deno.test("db/ imports nothing from the layers above it", () => {
  assert.deepEqual(offenders("db", ["chat", "realtime", "routes", "server", "views"]), []);
});

Deno.test("real-time imports no routes", () => {
  assert.deepEqual(offenders("realtime", ["routes"]), []);
});

Deno.test("route modules (routes/api, routes/ui) reach the data through chat/: types only from db/", () => {
  assert.deepEqual(offenders("routes/api", ["db"], { valuesOnly: true }), []);
  assert.deepEqual(offenders("routes/ui", ["db"], { valuesOnly: true }), []);
});

Deno.test("views take types only: no function of chat/, db/, realtime/ or server/, nothing of routes/", () => {
  assert.deepEqual(offenders("views", ["chat", "db", "realtime", "server"], { valuesOnly: true }), []);
  assert.deepEqual(offenders("views", ["routes"]), []);
});

Deno.test("no import cycles between files", () => {
  const edges = new Map<string, string[]>();
  for (const i of imports) edges.set(i.from, [...edges.get(i.from) ?? [], i.to]);
  const state = new Map<string, "open" | "done">();
  const cycles: string[] = [];
  const visit = (file: string, path: string[]) => {
    if (state.get(file) === "done") return;
    if (state.get(file) === "open") {
      cycles.push([...path.slice(path.indexOf(file)), file].join(" → "));
      return;
    }
    state.set(file, "open");
    for (const next of edges.get(file) ?? []) visit(next, [...path, file]);
    state.set(file, "done");
  };
  for (const file of files) visit(file, []);
  assert.deepEqual(cycles, []);
});
