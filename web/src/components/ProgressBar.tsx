import { formatSize } from "../lib/format.ts";

export function ProgressBar({
  label,
  done,
  total,
}: {
  label: string;
  done: number;
  total: number | undefined;
}) {
  const percent = total ? Math.min(100, Math.floor((done / total) * 100)) : undefined;
  return (
    <div className="progress" data-testid="progress">
      <p>
        {label} {percent !== undefined ? `${percent}%` : ""}{" "}
        <span className="muted">
          ({formatSize(done)}
          {total ? ` of ${formatSize(total)}` : ""})
        </span>
      </p>
      <progress max={total ?? undefined} value={total ? done : undefined} aria-label={label} />
    </div>
  );
}
