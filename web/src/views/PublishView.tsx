"use client";

import { ETH, encodeMetadata } from "@superdist/contracts";
import { type FormEvent, useId, useState } from "react";
import type { Address } from "viem";
import { useConnection } from "wagmi";
import { CoverField } from "../components/CoverField.tsx";
import { RequireMarket, RequireWallet } from "../components/Gates.tsx";
import { PriceField } from "../components/PriceField.tsx";
import { ProgressBar } from "../components/ProgressBar.tsx";
import { PublishedPanel } from "../components/PublishedPanel.tsx";
import { RewardLevelsField } from "../components/RewardLevelsField.tsx";
import { FieldError, RoyaltyField } from "../components/RoyaltyField.tsx";
import { SalePreview } from "../components/SalePreview.tsx";
import { TxStatus } from "../components/TxStatus.tsx";
import { isWebSeed, WebSeedField } from "../components/WebSeedField.tsx";
import { usePublishContent } from "../hooks/usePublishContent.ts";
import { usePublishTerms } from "../hooks/usePublishTerms.ts";
import { formatSize } from "../lib/format.ts";

const IDLE = { stage: "idle" } as const;

function PublishForm() {
  const connection = useConnection();
  const publisher = usePublishContent();
  const ids = useId();
  const [file, setFile] = useState<File>();
  const [title, setTitle] = useState("");
  const [description, setDescription] = useState("");
  const [cover, setCover] = useState<string>();
  const [price, setPrice] = useState("0.01");
  const [currencyChoice, setCurrencyChoice] = useState<string>(ETH);
  const [customToken, setCustomToken] = useState("");
  const [levels, setLevels] = useState<string[]>(["10", "5"]);
  const [transferable, setTransferable] = useState(true);
  const [royalty, setRoyalty] = useState("0");
  const [webSeed, setWebSeed] = useState("");
  const webSeedValid = isWebSeed(webSeed);

  const currencyAddress = (currencyChoice === "custom" ? customToken.trim() : currencyChoice) as Address;
  const { currency, marketTerms, rewardBps, rewardSum, terms, problems, problem, feeBps, priceProblem } =
    usePublishTerms({ price, currency: currencyAddress, levels, royalty, transferable, title });
  const scheduleProblem = problem("rewardBps");
  const previewPrice = terms && !problem("price") && !scheduleProblem ? terms.price : undefined;
  const blockers = [
    file ? undefined : "choose a file",
    priceProblem || problem("title") || scheduleProblem || problem("royaltyBps")
      ? "fix the fields marked"
      : undefined,
    webSeedValid ? undefined : "fix the web seed",
  ].filter(Boolean);
  const canPublish =
    file !== undefined &&
    terms !== undefined &&
    marketTerms.data !== undefined &&
    problems.length === 0 &&
    webSeedValid &&
    connection.address !== undefined &&
    !publisher.running;

  async function publish(event: FormEvent) {
    event.preventDefault();
    if (!canPublish || !file || !terms) return;
    const metadataURI = encodeMetadata({
      name: title.trim(),
      description: description.trim() || undefined,
      image: cover,
      mediaType: file.type || "application/octet-stream",
      fileName: file.name,
      size: file.size,
    });
    await publisher.publish(file, { ...terms, metadataURI }, { webSeed: webSeed.trim() || undefined });
  }

  if (publisher.published) {
    return <PublishedPanel published={publisher.published} publish={publisher.states.publish ?? IDLE} />;
  }

  const { encrypt } = publisher.states;
  return (
    <form className="publish-form two-columns" onSubmit={publish}>
      <div>
        <div className="field">
          <label htmlFor={`${ids}-file`}>File</label>
          <input
            id={`${ids}-file`}
            type="file"
            onChange={(event) => {
              const chosen = event.target.files?.[0];
              setFile(chosen);
              if (chosen && title === "") setTitle(chosen.name.replace(/\.[^.]+$/, ""));
            }}
            disabled={publisher.running}
          />
          {file ? (
            <p className="field-hint">
              {file.name} · {formatSize(file.size)} · {file.type || "unknown type"}. It is encrypted here, in
              your browser; only the encrypted copy leaves it.
            </p>
          ) : null}
        </div>
        <div className="field">
          <label htmlFor={`${ids}-title`}>Title</label>
          <input
            id={`${ids}-title`}
            value={title}
            onChange={(e) => setTitle(e.target.value)}
            maxLength={200}
          />
          <FieldError problem={problem("title")} />
        </div>
        <div className="field">
          <label htmlFor={`${ids}-description`}>Description</label>
          <textarea
            id={`${ids}-description`}
            rows={4}
            value={description}
            onChange={(e) => setDescription(e.target.value)}
            maxLength={2000}
          />
        </div>
        <CoverField cover={cover} onCover={setCover} />
        <PriceField
          price={price}
          onPrice={setPrice}
          choice={currencyChoice}
          onChoice={setCurrencyChoice}
          customToken={customToken}
          onCustomToken={setCustomToken}
          currency={currency.data}
          currencyInvalid={currency.isError}
          problem={priceProblem}
        />
        <RewardLevelsField
          levels={levels}
          onLevels={setLevels}
          maxDepth={marketTerms.data?.maxDepth ?? 0}
          feeBps={feeBps}
          rewardSum={rewardSum}
          problem={scheduleProblem}
        />
        <div className="field checkbox">
          <input
            id={`${ids}-transferable`}
            type="checkbox"
            checked={transferable}
            onChange={(e) => setTransferable(e.target.checked)}
          />
          <label htmlFor={`${ids}-transferable`}>Buyers may transfer their licenses</label>
        </div>
        <RoyaltyField value={royalty} onChange={setRoyalty} problem={problem("royaltyBps")} />
        <WebSeedField value={webSeed} onChange={setWebSeed} />
      </div>
      <div>
        <SalePreview price={previewPrice} rewardBps={rewardBps} feeBps={feeBps} currency={currency.data} />
        {encrypt ? <ProgressBar label="Encrypting" done={encrypt.done} total={encrypt.total} /> : null}
        {publisher.states.torrent ? (
          <ProgressBar
            label="Preparing it for sharing"
            done={publisher.states.torrent.done}
            total={publisher.states.torrent.total}
          />
        ) : null}
        <TxStatus state={publisher.states.wallet ?? IDLE} />
        <TxStatus state={publisher.states.publish ?? IDLE} label="Publish" />
        {publisher.states.metadata ? (
          <TxStatus state={publisher.states.metadata} label="Point the metadata at the renumbered copy" />
        ) : null}
        {publisher.problem ? (
          <p className="notice danger" role="alert">
            {publisher.problem}
          </p>
        ) : null}
        {blockers.length > 0 && !publisher.running ? (
          <p className="field-error" data-testid="publish-blocked">
            To publish, {blockers.join(", and ")}.
          </p>
        ) : null}
        <div className="actions">
          <button type="submit" className="button primary" disabled={!canPublish}>
            {publisher.running ? "Publishing…" : "Encrypt and publish"}
          </button>
        </div>
      </div>
    </form>
  );
}

export function PublishView() {
  return (
    <>
      <div className="page-head">
        <h1>Publish</h1>
        <p>Encrypt a file in your browser, set its price and rewards, and put it on sale.</p>
      </div>
      <RequireMarket>
        <RequireWallet reason="Connect the wallet that will publish and receive the sales.">
          <PublishForm />
        </RequireWallet>
      </RequireMarket>
    </>
  );
}
