"use client";

import { useId } from "react";

/** Whether a web seed as typed may be recorded: none, or an HTTP(S) URL. */
export function isWebSeed(text: string): boolean {
  return text.trim() === "" || /^https?:\/\/\S+$/i.test(text.trim());
}

/** Where the publisher will serve the first copy over HTTP, recorded in its magnet. */
export function WebSeedField({ value, onChange }: { value: string; onChange: (value: string) => void }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>Web seed (optional)</label>
      <input
        id={id}
        type="url"
        inputMode="url"
        placeholder="https://seed.example/"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={!isWebSeed(value)}
      />
      <p className="field-hint">
        Where you will serve your first copy over HTTP, e.g. with <code>superdist share</code>: buyers then
        fetch it even when no browser shares it. A folder URL ending in “/” gets the copy's name appended.
      </p>
    </div>
  );
}
