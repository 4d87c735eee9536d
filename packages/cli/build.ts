/**
 * Bundles the bin, the workspace libraries and their dependencies into dist/superdist.js: Node strips no types
 * under node_modules, and a bundle installs with nothing to fetch. The MIT and BSD licenses of what it bundles
 * ask for their notices to travel with it, so they go beside it, in dist/THIRD-PARTY-LICENSES.txt.
 */
import { readdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));

const { metafile } = await build({
  absWorkingDir: here,
  entryPoints: ["bin/superdist.ts"],
  outfile: "dist/superdist.js",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node22",
  // Whitespace and syntax only: names stay, so that a stack trace in a bug report still reads.
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: "none",
  // ws loads these native speed-ups if it can and falls back to JavaScript; bundled, they could never load.
  external: ["bufferutil", "utf-8-validate"],
  metafile: true,
  logLevel: "warning",
});

/** The folder of the npm package an input file belongs to, or undefined for the workspace's own sources. */
function packageRoot(input: string): string | undefined {
  const parts = input.split(/[\\/]/);
  const at = parts.lastIndexOf("node_modules");
  if (at < 0) return undefined;
  const length = parts[at + 1]?.startsWith("@") ? 3 : 2;
  return join(here, ...parts.slice(0, at + length));
}

// What ends up in the output, not every file esbuild read: ws, for one, is parsed and then shaken out entirely.
const bundled = Object.entries(metafile.outputs["dist/superdist.js"].inputs)
  .filter(([, input]) => input.bytesInOutput > 0)
  .map(([path]) => path);
const roots = [...new Set(bundled.map(packageRoot))].filter((r) => r !== undefined);
// Several copies of one version sit in different node_modules folders; one notice each is enough.
const notices = new Map<string, string>();
for (const root of roots) {
  const manifest = JSON.parse(await readFile(join(root, "package.json"), "utf8"));
  const file = (await readdir(root)).find((name) => /^(licen[cs]e|copying)/i.test(name));
  // A package that ships no license file (drizzle-orm, for one) still names its license: that, with where its
  // text is, is the notice; a package with neither stops the build.
  if (!file && typeof manifest.license !== "string") {
    throw new Error(`${relative(here, root)} has no license file and names no license`);
  }
  const text = file
    ? (await readFile(join(root, file), "utf8")).trim()
    : `The package ships no license file. Its package.json names the license ${manifest.license}: ` +
      `https://spdx.org/licenses/${manifest.license}.html`;
  const id = `${manifest.name}@${manifest.version}`;
  notices.set(id, `${id} (${manifest.license})\n\n${text}`);
}
await writeFile(
  join(here, "dist/THIRD-PARTY-LICENSES.txt"),
  `dist/superdist.js bundles these packages; their licenses follow.\n\n${[...notices.keys()]
    .sort()
    .map((id) => notices.get(id))
    .join(`\n\n${"-".repeat(78)}\n\n`)}\n`,
);
console.log(`dist/superdist.js: ${notices.size} bundled packages, licenses in dist/THIRD-PARTY-LICENSES.txt`);
