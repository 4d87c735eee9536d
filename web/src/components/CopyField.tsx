"use client";

import { useState } from "react";

/** A read-only link shown whole, however long, with a Copy button; selected whole on focus. */
export function CopyField({ id, value, testId }: { id: string; value: string; testId: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="share-row">
      <textarea
        id={id}
        className="link-field"
        readOnly
        rows={3}
        spellCheck={false}
        value={value}
        data-testid={testId}
        onFocus={(e) => e.target.select()}
      />
      <button
        type="button"
        className="button small"
        onClick={async () => {
          await navigator.clipboard.writeText(value).catch(() => undefined);
          setCopied(true);
        }}
      >
        {copied ? "Copied" : "Copy"}
      </button>
    </div>
  );
}
