import type { CliIO } from "./io.ts";

/** A progress bar on stderr: redrawn in place on a terminal, a few plain lines otherwise, nothing with --json. */
export type Progress = { update(done: number, total: number | undefined): void; finish(): void };

const WIDTH = 30;

export function progressBar(label: string, enabled: boolean, stream: CliIO["stderr"]): Progress {
  if (!enabled) return { update() {}, finish() {} };
  const started = performance.now();
  // The first update always draws, however early in the process it comes.
  let lastDraw = Number.NEGATIVE_INFINITY;
  let lastQuarter = -1;
  let last: { done: number; total: number | undefined } = { done: 0, total: undefined };
  const draw = (final: boolean) => {
    const { done, total } = last;
    const ratio = total ? Math.min(1, done / total) : final ? 1 : 0;
    const seconds = (performance.now() - started) / 1000;
    const text = `${label} ${bar(ratio)} ${(ratio * 100).toFixed(0).padStart(3)}% ${progressAmount(done, total)} ${progressRate(seconds > 0 ? done / seconds : 0)}`;
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

const UNITS = [
  { name: "B", size: 1 },
  { name: "KiB", size: 1024 },
  { name: "MiB", size: 1024 ** 2 },
  { name: "GiB", size: 1024 ** 3 },
] as const;

/** The largest unit that shows `bytes` as at least 1, so that a small file does not read "0.0 MiB". */
function unitFor(bytes: number): (typeof UNITS)[number] {
  return UNITS.findLast((unit) => bytes >= unit.size) ?? UNITS[0];
}

function inUnit(bytes: number, unit: (typeof UNITS)[number]): string {
  return unit.size === 1 ? String(Math.round(bytes)) : (bytes / unit.size).toFixed(1);
}

/** `done/total unit`, both in the unit of the total (of what is done when the total is unknown). */
export function progressAmount(done: number, total: number | undefined): string {
  const unit = unitFor(total ?? done);
  return `${inUnit(done, unit)}/${total === undefined ? "?" : inUnit(total, unit)} ${unit.name}`;
}

/** A size in the largest unit that shows it as at least 1: `12.3 KiB`. */
export function byteSize(bytes: number): string {
  const unit = unitFor(bytes);
  return `${inUnit(bytes, unit)} ${unit.name}`;
}

export function progressRate(bytesPerSecond: number): string {
  const unit = unitFor(bytesPerSecond);
  return `${inUnit(bytesPerSecond, unit)} ${unit.name}/s`;
}
