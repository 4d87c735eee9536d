/** Benchmarks print a markdown table and keep their own section of docs/benchmarks.md up to date. */
import { readFile, writeFile } from "node:fs/promises";

const FILE = new URL("../../docs/benchmarks.md", import.meta.url);

export function markdownTable(headers: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(" | ")} |`;
  return [line(headers), line(headers.map(() => "---")), ...rows.map(line)].join("\n");
}

/** Replaces the section between `<!-- bench:<name>:start -->` and `<!-- bench:<name>:end -->`, or appends it. */
export async function writeBenchmarkSection(name: string, body: string): Promise<void> {
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  const section = `${start}\n${body.trim()}\n${end}`;
  const text = await readFile(FILE, "utf8").catch(() => "# Benchmarks\n");
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  const next =
    from >= 0 && to > from
      ? text.slice(0, from) + section + text.slice(to + end.length)
      : `${text.trimEnd()}\n\n${section}\n`;
  await writeFile(FILE, next);
}
