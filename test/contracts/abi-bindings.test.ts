import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { describe, it } from "node:test";
import { ABI_FILE, renderAbis } from "../../scripts/generate-abis.ts";

describe("generated bindings", () => {
  it("the committed ABIs match a fresh render of the build (run `npm run generate` if not)", async () => {
    assert.equal(await readFile(ABI_FILE, "utf8"), await renderAbis());
  });
});
