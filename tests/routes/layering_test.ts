import assert from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url);

async function sources(folder: string, keep: (name: string) => boolean) {
  const found: { path: string; text: string }[] = [];
  for await (const entry of Deno.readDir(new URL(folder, ROOT))) {
    if (entry.isFile && keep(entry.name)) {
      found.push({
        path: `${folder}${entry.name}`,
        text: await Deno.readTextFile(new URL(`${folder}${entry.name}`, ROOT)),
      });
    }
  }
  return found;
}

Deno.test("browser routes and views reach data only through chat/, never db/ queries", async () => {
  const files = [
    ...await sources("views/", (n) => /\.tsx?$/.test(n)),
    ...await sources("routes/", (n) => n.startsWith("ui_") || n === "pages.tsx" || n === "me.ts"),
  ];

  const offenders = files.filter((f) => /^import (?!type )[^;]*from "\.\.\/db\//m.test(f.text)).map((f) => f.path);

  assert.ok(files.length > 20, `only ${files.length} files were read`);
  assert.deepEqual(offenders, []);
});
