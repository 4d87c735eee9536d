import { type ReactNode, useId } from "react";

/** What is wrong with a field, beside it, so that a greyed-out button is never the only answer. */
export function FieldError({ problem }: { problem: string | undefined }) {
  return problem ? (
    <p className="field-error" role="alert">
      {problem}
    </p>
  ) : null;
}

/** The ERC-2981 royalty marketplaces pay the payout address when a license is resold. */
export function RoyaltyField({
  value,
  onChange,
  problem,
}: {
  value: string;
  onChange(value: string): void;
  problem: string | undefined;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>Resale royalty</label>
      <div className="inline-fields">
        <input
          id={id}
          inputMode="decimal"
          value={value}
          onChange={(event) => onChange(event.target.value)}
          aria-invalid={problem !== undefined}
          style={{ maxWidth: "7rem" }}
        />
        <span>%</span>
      </div>
      <p className="field-hint">
        Paid to you by marketplaces that honour ERC-2981 when a buyer resells a license.
      </p>
      <FieldError problem={problem} />
    </div>
  );
}

/** A box to tick before a step that can't be taken back. */
export function CheckboxField({
  checked,
  onChange,
  children,
}: {
  checked: boolean;
  onChange(checked: boolean): void;
  children: ReactNode;
}) {
  const id = useId();
  return (
    <div className="field checkbox">
      <input id={id} type="checkbox" checked={checked} onChange={(event) => onChange(event.target.checked)} />
      <label htmlFor={id}>{children}</label>
    </div>
  );
}
