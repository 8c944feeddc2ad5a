/**
 * Builds the benchmarks' C programs (load generators whose own CPU cost stays out of the
 * server's measurement) with the system's C compiler into `.tools/`.
 */
const ROOT = new URL("../", import.meta.url).pathname;

/**
 * Compiles `bench/<name>.c` with `cc -O2` into `.tools/<name>`; throws when there is no C
 * compiler or the build fails, so a caller can fall back to its JavaScript load generator.
 * @param name the program, e.g. `fanout_client`
 * @returns the path of the executable
 */
export async function buildCTool(name: string): Promise<string> {
  const output = `${ROOT}.tools/${name}`;
  await Deno.mkdir(`${ROOT}.tools`, { recursive: true });
  let built: Deno.CommandOutput;
  try {
    // a missing compiler throws from spawning, before any promise exists
    built = await new Deno.Command("cc", {
      args: ["-O2", "-o", output, `${ROOT}bench/${name}.c`],
      stderr: "inherit",
    }).output();
  } catch (e) {
    throw new Error(`the C load generator needs a C compiler (cc): ${e}`);
  }
  if (!built.success) throw new Error(`could not build bench/${name}.c`);
  return output;
}
