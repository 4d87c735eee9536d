/** A progress bar on stderr: redrawn in place on a terminal, a few plain lines otherwise, nothing with --json. */
export type Progress = { update(done: number, total: number | undefined): void; finish(): void };

const WIDTH = 30;

export function progressBar(label: string, enabled: boolean): Progress {
  const stream = process.stderr;
  if (!enabled) return { update() {}, finish() {} };
  const started = performance.now();
  let lastDraw = 0;
  let lastQuarter = -1;
  let last: { done: number; total: number | undefined } = { done: 0, total: undefined };
  const draw = (final: boolean) => {
    const { done, total } = last;
    const ratio = total ? Math.min(1, done / total) : final ? 1 : 0;
    const seconds = (performance.now() - started) / 1000;
    const rate = seconds > 0 ? done / 1_048_576 / seconds : 0;
    const text = `${label} ${bar(ratio)} ${(ratio * 100).toFixed(0).padStart(3)}% ${mib(done)}/${total === undefined ? "?" : mib(total)} MiB ${rate.toFixed(1)} MiB/s`;
    if (stream.isTTY) stream.write(`\r${text}${final ? "\n" : ""}`);
    else {
      const quarter = Math.floor(ratio * 4);
      if (final || quarter > lastQuarter) stream.write(`${text}\n`);
      lastQuarter = quarter;
    }
  };
  return {
    update(done, total) {
      last = { done, total };
      const now = performance.now();
      if (now - lastDraw > 100) {
        lastDraw = now;
        draw(false);
      }
    },
    finish() {
      draw(true);
    },
  };
}

function bar(ratio: number): string {
  const full = Math.round(ratio * WIDTH);
  return `[${"#".repeat(full)}${"-".repeat(WIDTH - full)}]`;
}

function mib(bytes: number): string {
  return (bytes / 1_048_576).toFixed(1);
}
