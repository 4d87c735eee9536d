/** The progress bar's figures: the unit follows the size, so that a small file does not read "0.0/0.0 MiB". */
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { describe, it } from "vitest";
import { progressAmount, progressBar, progressRate } from "../../packages/cli/src/progress.ts";

function stderr(isTTY: boolean) {
  const lines: string[] = [];
  const stream = Object.assign(
    new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    }),
    { isTTY },
  );
  return { stream, lines };
}

describe("progress bar", () => {
  it("shows bytes, KiB, MiB or GiB after the size of the whole", () => {
    assert.equal(progressAmount(0, 0), "0/0 B");
    assert.equal(progressAmount(12, 700), "12/700 B");
    assert.equal(progressAmount(512, 20_480), "0.5/20.0 KiB");
    assert.equal(progressAmount(1_048_576, 3 * 1_048_576), "1.0/3.0 MiB");
    assert.equal(progressAmount(1024 ** 3, 2 * 1024 ** 3), "1.0/2.0 GiB");
    assert.equal(progressAmount(2048, undefined), "2.0/? KiB");
    assert.equal(progressRate(300), "300 B/s");
    assert.equal(progressRate(5 * 1_048_576), "5.0 MiB/s");
  });

  it("off a terminal: a line per quarter and one at the end, in the unit of the file", () => {
    const { stream, lines } = stderr(false);
    const progress = progressBar("decrypting", true, stream);
    progress.update(0, 700);
    progress.finish();
    assert.equal(lines.length, 2);
    assert.match(lines[0], /^decrypting \[-{30}\] {3}0% 0\/700 B \d+ B\/s\n$/);
    assert.match(lines[1], /^decrypting \[-{30}\] {3}0% 0\/700 B /);
    const done = stderr(false);
    const complete = progressBar("encrypting", true, done.stream);
    complete.update(2_000, undefined);
    complete.finish();
    assert.match(done.lines.at(-1) ?? "", /^encrypting \[#{30}\] 100% 2\.0\/\? KiB .*\/s\n$/);
  });

  it("on a terminal it redraws one line in place; disabled (--json) it writes nothing", () => {
    const { stream, lines } = stderr(true);
    const progress = progressBar("decrypting", true, stream);
    progress.update(5 * 1024, 10 * 1024);
    progress.finish();
    assert.ok(lines.every((l) => l.startsWith("\r")));
    assert.match(lines.at(-1) ?? "", /50% 5\.0\/10\.0 KiB .*\n$/);
    const quiet = stderr(true);
    const off = progressBar("decrypting", false, quiet.stream);
    off.update(1, 2);
    off.finish();
    assert.deepEqual(quiet.lines, []);
  });
});
