"use client";

import { useId } from "react";
import { formatBps } from "../lib/format.ts";

export function levelName(level: number): string {
  if (level === 1) return "Level 1 · the holder of the copy bought through";
  if (level === 2) return "Level 2 · whoever referred that holder";
  return `Level ${level} · ${level - 1} steps further up`;
}

/** The reward per level of the lineage, as percentages, with the market's limits beside them. */
export function RewardLevelsField({
  levels,
  onLevels,
  maxDepth,
  feeBps,
  rewardSum,
  problem,
}: {
  levels: string[];
  onLevels: (levels: string[]) => void;
  maxDepth: number;
  feeBps: number;
  rewardSum: number;
  /** Why the market would refuse these levels, if it would. */
  problem: string | undefined;
}) {
  const id = useId();
  return (
    <fieldset className="field">
      <legend>Referral rewards, per level of the lineage</legend>
      {levels.map((level, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a level is its position
        <div className="level-row" key={index}>
          <label htmlFor={`${id}-level-${index}`}>{levelName(index + 1)}</label>
          <div className="level-input">
            <input
              id={`${id}-level-${index}`}
              inputMode="decimal"
              value={level}
              onChange={(e) => onLevels(levels.map((old, i) => (i === index ? e.target.value : old)))}
            />
            <span aria-hidden="true">%</span>
            <button
              type="button"
              className="button ghost small"
              onClick={() => onLevels(levels.filter((_, i) => i !== index))}
              aria-label={`Remove level ${index + 1}`}
            >
              Remove
            </button>
          </div>
        </div>
      ))}
      <button
        type="button"
        className="button small"
        onClick={() => onLevels([...levels, "1"])}
        disabled={levels.length >= maxDepth}
      >
        Add a level
      </button>
      <p className="field-hint">
        At most {maxDepth} levels. Rewards add up to {formatBps(rewardSum)}
        {feeBps > 0 ? `; the protocol fee is ${formatBps(feeBps)}` : ""}.
      </p>
      {problem ? <p className="field-hint error-text">{problem}</p> : null}
    </fieldset>
  );
}
