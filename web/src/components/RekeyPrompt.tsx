"use client";

/** A license this account holds, and the one signature that re-keys the copy at hand to it. */
export function RekeyPrompt({
  heading,
  explanation,
  busy,
  onRekey,
}: {
  heading: string;
  explanation?: string;
  busy: boolean;
  onRekey: () => void;
}) {
  return (
    <section className="panel" data-testid="rekey-prompt">
      <h2>{heading}</h2>
      {explanation ? <p>{explanation}</p> : null}
      <button type="button" className="button primary" disabled={busy} onClick={onRekey}>
        Make this copy mine and open it
      </button>
    </section>
  );
}
