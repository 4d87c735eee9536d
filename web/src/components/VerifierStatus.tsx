"use client";

import type { VerifierState } from "../hooks/useRekey.ts";

export function VerifierStatus({ state }: { state: VerifierState }) {
  if (state.stage === "idle") return null;
  if (state.stage === "failed") {
    return (
      <div className="tx-status error" role="alert" data-testid="verifier-status" data-stage="failed">
        <p>
          <strong>Unlocking: </strong>
          {state.error.message}
        </p>
      </div>
    );
  }
  return (
    <div
      className={`tx-status ${state.stage === "done" ? "success" : "progress"}`}
      role="status"
      data-testid="verifier-status"
      data-stage={state.stage}
    >
      <p>
        <strong>Unlocking: </strong>
        {state.stage === "asking" ? "Asking the publisher's service for your copy…" : "Done."}
      </p>
    </div>
  );
}
