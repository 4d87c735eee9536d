import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, test } from "vitest";
import { tempDir } from "./fixtures.ts";

// The stream run shows constant memory in the core; the file run (smaller, as it is disk-bound) shows the
// file helpers add no buffering of their own. Both are larger than the limit, so holding either fails.
const STREAM_MIB = 512;
const FILE_MIB = 256;
const LIMIT_BYTES = 200e6;
const tmp = await tempDir();
afterAll(() => tmp.remove());

test(`${STREAM_MIB} MiB through the stream API and ${FILE_MIB} MiB through files stay under 200 MB of RSS`, async () => {
  const probe = fileURLToPath(new URL("./memory-probe.ts", import.meta.url));
  const { stdout } = await promisify(execFile)(process.execPath, [
    probe,
    tmp.dir,
    String(STREAM_MIB),
    String(FILE_MIB),
  ]);
  const result = JSON.parse(stdout);
  assert.equal(result.streamBytes, STREAM_MIB * (1 << 20));
  assert.equal(result.streamHashesEqual, true);
  assert.equal(result.fileBytes, FILE_MIB * (1 << 20));
  assert.equal(result.plaintextSize, FILE_MIB * (1 << 20));
  assert.equal(result.nonZero, 0);
  assert.ok(
    result.maxRssKiB * 1024 < LIMIT_BYTES,
    `peak RSS ${result.maxRssKiB} KiB (baseline ${result.baselineKiB} KiB)`,
  );
});
