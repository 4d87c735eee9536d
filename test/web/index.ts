// Lets `node --test test/web/` run the whole folder: Node resolves the folder through `main` to this file, and
// the tests of every file register in this one process, where the app is built and served once.
import { readdir } from "node:fs/promises";

const here = new URL("./", import.meta.url);
for (const file of (await readdir(here)).filter((name) => name.endsWith(".test.ts")).sort()) {
  await import(new URL(file, here).href);
}
