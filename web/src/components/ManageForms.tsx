"use client";

import { encodeMetadata, superdistMarketAbi } from "@superdist/contracts";
import { getMarketTerms, termsProblems } from "@superdist/sdk";
import { useQuery } from "@tanstack/react-query";
import { type FormEvent, type ReactNode, useId, useState } from "react";
import { type Address, formatUnits, isAddress } from "viem";
import type { ContentEntry } from "../hooks/useMarket.ts";
import { useMarket } from "../hooks/useMarket.ts";
import { parsePrice, useCurrencyAt } from "../hooks/usePublishTerms.ts";
import { useTransactor } from "../hooks/useTransactor.ts";
import { CoverField } from "./CoverField.tsx";
import { PriceField } from "./PriceField.tsx";
import { RewardLevelsField } from "./RewardLevelsField.tsx";
import { CheckboxField } from "./RoyaltyField.tsx";
import { TxStatus } from "./TxStatus.tsx";

type Write = ReturnType<typeof useTransactor>;

/** One edit: its fields, a button that is refused with the reason beside it, and the transaction's stages. */
function EditForm({
  title,
  label,
  tx,
  problem,
  onSubmit,
  children,
  button,
}: {
  title: string;
  label: string;
  tx: Write;
  problem: string | undefined;
  onSubmit(): void;
  children?: ReactNode;
  button: string;
}) {
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!problem && !tx.busy) onSubmit();
  };
  return (
    <form className="panel" onSubmit={submit} aria-label={title}>
      <h2>{title}</h2>
      {children}
      {problem ? (
        <p className="field-error" role="alert">
          {problem}
        </p>
      ) : null}
      <div className="actions">
        <button type="submit" className="button primary" disabled={tx.busy || problem !== undefined}>
          {button}
        </button>
      </div>
      <TxStatus state={tx.state} label={label} />
    </form>
  );
}

function useWriteMarket() {
  const { market } = useMarket();
  const tx = useTransactor();
  const send = (functionName: string, args: readonly unknown[]) =>
    tx.write({ address: market as Address, abi: superdistMarketAbi, functionName, args } as never);
  return { tx, send };
}

export function PriceForm({ entry }: { entry: ContentEntry }) {
  const { tx, send } = useWriteMarket();
  const [price, setPrice] = useState(formatUnits(entry.content.price, entry.currency.decimals));
  const [choice, setChoice] = useState<string>(entry.content.currency);
  const [customToken, setCustomToken] = useState("");
  const address = (choice === "custom" ? customToken.trim() : choice) as Address;
  const currency = useCurrencyAt(address);
  const units = parsePrice(price, currency.data?.decimals);
  const problem = !currency.data
    ? currency.isError
      ? "That address is not an ERC-20 token."
      : "Choose a currency."
    : units === undefined || units < 0n
      ? `The price must be a number of ${currency.data.symbol}, 0 or more.`
      : units >= 2n ** 96n
        ? "The price is too large."
        : undefined;
  return (
    <EditForm
      title="Price and currency"
      label="New price"
      tx={tx}
      problem={problem}
      button="Change the price"
      onSubmit={() => send("setPrice", [entry.contentId, address, units])}
    >
      <PriceField
        price={price}
        onPrice={setPrice}
        choice={choice}
        onChoice={setChoice}
        customToken={customToken}
        onCustomToken={setCustomToken}
        currency={currency.data}
        currencyInvalid={currency.isError}
        problem={undefined}
      />
    </EditForm>
  );
}

export function RewardsForm({ entry }: { entry: ContentEntry }) {
  const { client, chainId, market } = useMarket();
  const { tx, send } = useWriteMarket();
  const [levels, setLevels] = useState(entry.content.rewardBps.map((bps) => String(bps / 100)));
  const terms = useQuery({
    queryKey: ["market-terms", chainId, market],
    queryFn: () => getMarketTerms(client, { market: market as Address }),
  });
  const rewardBps = levels.map((level) => Math.round(Number(level) * 100));
  const rewardSum = rewardBps.reduce((sum, bps) => sum + (Number.isFinite(bps) ? bps : 0), 0);
  const problem = terms.data
    ? termsProblems({ ...entry.content, rewardBps }, terms.data).find((p) => p.field === "rewardBps")?.message
    : "Reading the market's limits…";
  return (
    <EditForm
      title="Referral rewards"
      label="New reward schedule"
      tx={tx}
      problem={problem}
      button="Change the rewards"
      onSubmit={() => send("setRewardSchedule", [entry.contentId, rewardBps])}
    >
      <p className="muted">Future sales pay the new schedule; rewards already credited stay.</p>
      <RewardLevelsField
        levels={levels}
        onLevels={setLevels}
        maxDepth={terms.data?.maxDepth ?? 0}
        feeBps={terms.data?.feeBps ?? 0}
        rewardSum={rewardSum}
        problem={undefined}
      />
    </EditForm>
  );
}

function AddressField({
  id,
  label,
  value,
  onChange,
}: {
  id: string;
  label: string;
  value: string;
  onChange(value: string): void;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        value={value}
        spellCheck={false}
        placeholder="0x…"
        onChange={(event) => onChange(event.target.value)}
      />
    </div>
  );
}

const addressProblem = (value: string) =>
  isAddress(value.trim()) ? undefined : "Enter an address: 0x followed by 40 hexadecimal characters.";

export function PayoutForm({ entry }: { entry: ContentEntry }) {
  const ids = useId();
  const { tx, send } = useWriteMarket();
  const [payout, setPayout] = useState<string>(entry.content.payout);
  return (
    <EditForm
      title="Payout"
      label="New payout"
      tx={tx}
      problem={addressProblem(payout)}
      button="Change the payout"
      onSubmit={() => send("setPayout", [entry.contentId, payout.trim()])}
    >
      <AddressField id={`${ids}-payout`} label="Sales are paid to" value={payout} onChange={setPayout} />
    </EditForm>
  );
}

export function DetailsForm({ entry }: { entry: ContentEntry }) {
  const ids = useId();
  const { tx, send } = useWriteMarket();
  const [description, setDescription] = useState(entry.metadata.description ?? "");
  const [cover, setCover] = useState(entry.metadata.image);
  const metadataURI = encodeMetadata({
    ...entry.metadata,
    description: description.trim() || undefined,
    image: cover,
  });
  return (
    <EditForm
      title="Description and cover"
      label="New details"
      tx={tx}
      problem={metadataURI === entry.content.metadataURI ? "Nothing changed yet." : undefined}
      button="Save the details"
      onSubmit={() => send("setMetadataURI", [entry.contentId, metadataURI])}
    >
      <div className="field">
        <label htmlFor={`${ids}-description`}>Description</label>
        <textarea
          id={`${ids}-description`}
          rows={3}
          value={description}
          onChange={(event) => setDescription(event.target.value)}
        />
      </div>
      <CoverField cover={cover} onCover={setCover} />
    </EditForm>
  );
}

export function PauseForm({ entry }: { entry: ContentEntry }) {
  const { tx, send } = useWriteMarket();
  const { paused } = entry.content;
  return (
    <EditForm
      title={paused ? "Sales are paused" : "Sales are open"}
      label="Sales"
      tx={tx}
      problem={undefined}
      button={paused ? "Resume sales" : "Pause sales"}
      onSubmit={() => send("setContentPaused", [entry.contentId, !paused])}
    >
      <p className="muted">
        {paused
          ? "Nobody can buy a license until you resume. Copies still open for their owners."
          : "Pausing stops new sales; owners keep their licenses and can still open and re-key their copies."}
      </p>
    </EditForm>
  );
}

export function HandOverForm({ entry }: { entry: ContentEntry }) {
  const ids = useId();
  const { tx, send } = useWriteMarket();
  const [to, setTo] = useState("");
  const [sure, setSure] = useState(false);
  const problem =
    addressProblem(to) ?? (sure ? undefined : "Tick the box: a hand-over cannot be undone by you.");
  return (
    <EditForm
      title="Hand over"
      label="Hand-over"
      tx={tx}
      problem={to === "" ? "Enter the new publisher's address." : problem}
      button="Hand over this content"
      onSubmit={() => send("transferPublisher", [entry.contentId, to.trim()])}
    >
      <AddressField id={`${ids}-to`} label="New publisher" value={to} onChange={setTo} />
      <CheckboxField checked={sure} onChange={setSure}>
        I understand that the new publisher alone can then change the price, the rewards and the payout
      </CheckboxField>
    </EditForm>
  );
}
