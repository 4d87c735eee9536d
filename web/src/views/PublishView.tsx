"use client";

import { ETH, encodeMetadata, getCurrency, splitPurchase, superdistMarketAbi } from "@superdist/contracts";
import { copyFileName, rekeyBlob, writeHeader } from "@superdist/package";
import { getVerifierRecipient } from "@superdist/verifier/client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { type FormEvent, useId, useState } from "react";
import { type Address, isAddress, numberToHex, parseEventLogs, parseUnits, zeroAddress } from "viem";
import { readContract } from "viem/actions";
import { useConnection } from "wagmi";
import { RequireMarket, RequireWallet } from "../components/Gates.tsx";
import { P2PShare } from "../components/P2PShare.tsx";
import { ProgressBar } from "../components/ProgressBar.tsx";
import { SplitBar } from "../components/SplitBar.tsx";
import { TxStatus } from "../components/TxStatus.tsx";
import { useMarket } from "../hooks/useMarket.ts";
import { useRuntimeConfig } from "../hooks/useRuntimeConfig.ts";
import { useTransactor } from "../hooks/useTransactor.ts";
import { saveBlob, storeCopy } from "../lib/copies.ts";
import { formatBps, formatSize } from "../lib/format.ts";
import { browserIdentity } from "../lib/identity.ts";
import { encryptInWorker } from "../lib/packageWorker.ts";
import { describeError } from "../lib/txErrors.ts";

const COVER_WIDTH = 480;
const COVER_HEIGHT = 270;
const BPS = 10_000;

/** A cover small enough to live on chain inside the metadata: scaled to fill 480×270, as JPEG. */
async function coverDataUri(file: File): Promise<string> {
  const bitmap = await createImageBitmap(file);
  const scale = Math.max(COVER_WIDTH / bitmap.width, COVER_HEIGHT / bitmap.height);
  const canvas = document.createElement("canvas");
  canvas.width = COVER_WIDTH;
  canvas.height = COVER_HEIGHT;
  const context = canvas.getContext("2d");
  if (!context) throw new Error("This browser cannot draw the cover.");
  const width = bitmap.width * scale;
  const height = bitmap.height * scale;
  context.drawImage(bitmap, (COVER_WIDTH - width) / 2, (COVER_HEIGHT - height) / 2, width, height);
  bitmap.close();
  return canvas.toDataURL("image/jpeg", 0.8);
}

function levelName(level: number): string {
  if (level === 1) return "Level 1 · the holder of the copy bought through";
  if (level === 2) return "Level 2 · whoever referred that holder";
  return `Level ${level} · ${level - 1} steps further up`;
}

/** Stand-in owners for the live picture: one distinct account per level, none of them the buyer. */
function exampleAncestors(depth: number) {
  return Array.from({ length: depth }, (_, index) => ({
    tokenId: BigInt(index + 1),
    owner: numberToHex(index + 1, { size: 20 }) as Address,
  }));
}

type Stage =
  | { step: "form" }
  | { step: "encrypting"; done: number; total: number | undefined }
  | { step: "publishing" }
  | { step: "done"; contentId: bigint; blob: Blob; fileName: string }
  | { step: "failed"; message: string };

function PublishForm() {
  const { client, market, chainId } = useMarket();
  const runtime = useRuntimeConfig();
  const connection = useConnection();
  const tx = useTransactor();
  const ids = useId();
  const [file, setFile] = useState<File>();
  const [title, setTitle] = useState("");
  const [description, setDescription] = useState("");
  const [cover, setCover] = useState<string>();
  const [coverError, setCoverError] = useState<string>();
  const [price, setPrice] = useState("0.01");
  const [currencyChoice, setCurrencyChoice] = useState<string>(ETH);
  const [customToken, setCustomToken] = useState("");
  const [levels, setLevels] = useState<string[]>(["10", "5"]);
  const [transferable, setTransferable] = useState(true);
  const [stage, setStage] = useState<Stage>({ step: "form" });

  const currencyAddress = (currencyChoice === "custom" ? customToken.trim() : currencyChoice) as Address;
  const currency = useQuery({
    queryKey: ["currency", chainId, currencyAddress],
    enabled: isAddress(currencyAddress),
    queryFn: () => getCurrency(client, currencyAddress),
    retry: false,
  });
  const marketFacts = useQuery({
    queryKey: ["market-facts", chainId, market],
    queryFn: async () => {
      const [maxDepth, [, feeBps]] = await Promise.all([
        readContract(client, {
          address: market as Address,
          abi: superdistMarketAbi,
          functionName: "MAX_DEPTH",
        }),
        readContract(client, {
          address: market as Address,
          abi: superdistMarketAbi,
          functionName: "protocolFee",
        }),
      ]);
      return { maxDepth: Number(maxDepth), feeBps };
    },
  });

  const rewardBps = levels.map((level) => Math.round(Number(level) * 100));
  const levelsValid = rewardBps.every((bps) => Number.isInteger(bps) && bps >= 0 && bps <= BPS);
  const rewardSum = rewardBps.reduce((sum, bps) => sum + bps, 0);
  const feeBps = marketFacts.data?.feeBps ?? 0;
  const maxDepth = marketFacts.data?.maxDepth ?? 0;
  let priceUnits: bigint | undefined;
  try {
    priceUnits = currency.data ? parseUnits(price.trim() || "x", currency.data.decimals) : undefined;
  } catch {
    priceUnits = undefined;
  }
  const priceValid = priceUnits !== undefined && priceUnits >= 0n && priceUnits < 2n ** 96n;
  const scheduleTooLarge = rewardSum + feeBps > BPS;
  const split =
    priceValid && levelsValid && !scheduleTooLarge && currency.data
      ? splitPurchase({
          price: priceUnits as bigint,
          rewardBps,
          feeBps,
          ancestors: exampleAncestors(rewardBps.length),
          payer: zeroAddress,
          recipient: zeroAddress,
        })
      : undefined;
  const canPublish =
    file !== undefined &&
    title.trim() !== "" &&
    split !== undefined &&
    rewardBps.length <= maxDepth &&
    market !== null &&
    connection.address !== undefined &&
    (stage.step === "form" || stage.step === "failed");

  async function chooseCover(chosen: File | undefined) {
    setCoverError(undefined);
    if (!chosen) {
      setCover(undefined);
      return;
    }
    try {
      setCover(await coverDataUri(chosen));
    } catch {
      setCover(undefined);
      setCoverError("This image could not be read; choose a PNG, JPEG, GIF or WebP file.");
    }
  }

  async function publish(event: FormEvent) {
    event.preventDefault();
    if (!canPublish || !file || !market || !connection.address || priceUnits === undefined) return;
    tx.reset();
    try {
      if (runtime.verifierUrls.length === 0)
        throw new Error("No verifier is configured for this deployment.");
      const [identity, verifierRecipient, count] = await Promise.all([
        browserIdentity(),
        getVerifierRecipient({ verifierUrls: runtime.verifierUrls }),
        readContract(client, { address: market, abi: superdistMarketAbi, functionName: "contentCount" }),
      ]);
      const lineageFor = (contentId: bigint) => ({
        chainId: BigInt(chainId),
        market,
        contentId,
        holderTokenId: 0n,
      });
      // Encrypt first: it is the long step, and failing then costs no transaction. The content id is predicted
      // and the header rewritten in the rare case another publication took it meanwhile.
      const predicted = count + 1n;
      setStage({ step: "encrypting", done: 0, total: file.size });
      const encrypted = await encryptInWorker(
        file,
        { holderRecipients: [identity.recipient], verifierRecipient, lineage: lineageFor(predicted) },
        (done, total) => setStage({ step: "encrypting", done, total }),
      );
      setStage({ step: "publishing" });
      const metadataURI = encodeMetadata({
        name: title.trim(),
        description: description.trim() || undefined,
        image: cover,
        mediaType: file.type || "application/octet-stream",
        fileName: file.name,
        size: file.size,
      });
      const receipt = await tx.write({
        address: market,
        abi: superdistMarketAbi,
        functionName: "publish",
        args: [
          {
            price: priceUnits,
            currency: currencyAddress,
            rewardBps,
            payout: connection.address,
            royaltyBps: 0,
            transferable,
            keyCommitment: encrypted.keyCommitment,
            verifierRecipient,
            title: title.trim(),
            metadataURI,
          },
        ],
      });
      if (!receipt) {
        setStage({ step: "form" });
        return;
      }
      const [published] = parseEventLogs({
        abi: superdistMarketAbi,
        logs: receipt.logs,
        eventName: "ContentPublished",
      });
      const contentId = published.args.contentId;
      let blob = encrypted.blob;
      if (contentId !== predicted) {
        const header = await writeHeader({
          fileKey: encrypted.fileKey,
          holderRecipients: [identity.recipient],
          verifierRecipient,
          lineage: lineageFor(contentId),
        });
        blob = await rekeyBlob(blob, header);
      }
      const fileName = copyFileName(file.name, 0n);
      await storeCopy({
        chainId,
        market,
        contentId: contentId.toString(),
        holderTokenId: "0",
        fileName,
        blob,
        keyedHere: true,
      });
      setStage({ step: "done", contentId, blob, fileName });
    } catch (error) {
      setStage({ step: "failed", message: describeError(error).message });
    }
  }

  if (stage.step === "done") {
    return (
      <section className="panel" data-testid="published">
        <h2>Published as content #{stage.contentId.toString()}</h2>
        <p>
          Your first copy is keyed to this browser. Download it and share it anywhere: whoever buys through it
          pays you the level 1 reward on top of your sale.
        </p>
        <div className="actions">
          <button
            type="button"
            className="button primary"
            onClick={() => saveBlob(stage.blob, stage.fileName)}
          >
            Download your first copy
          </button>
          <Link className="button" href={`/content/${stage.contentId}`}>
            See it in the catalog
          </Link>
        </div>
        <P2PShare blob={stage.blob} name={stage.fileName} />
        <TxStatus state={tx.state} label="Publish" />
      </section>
    );
  }

  const busy = stage.step === "encrypting" || stage.step === "publishing";
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
            disabled={busy}
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
        <div className="field">
          <label htmlFor={`${ids}-cover`}>Cover image (optional)</label>
          <input
            id={`${ids}-cover`}
            type="file"
            accept="image/*"
            onChange={(e) => chooseCover(e.target.files?.[0])}
          />
          {coverError ? <p className="field-hint error-text">{coverError}</p> : null}
          {cover ? (
            // biome-ignore lint/performance/noImgElement: a local data URI preview
            <img className="cover cover-preview" src={cover} alt="Cover preview" />
          ) : null}
        </div>
        <div className="field inline-fields">
          <div>
            <label htmlFor={`${ids}-price`}>Price</label>
            <input
              id={`${ids}-price`}
              inputMode="decimal"
              value={price}
              onChange={(e) => setPrice(e.target.value)}
              aria-invalid={!priceValid}
            />
          </div>
          <div>
            <label htmlFor={`${ids}-currency`}>Currency</label>
            <select
              id={`${ids}-currency`}
              value={currencyChoice}
              onChange={(e) => setCurrencyChoice(e.target.value)}
            >
              <option value={ETH}>ETH</option>
              {runtime.demoToken ? <option value={runtime.demoToken}>Demo token</option> : null}
              <option value="custom">Another ERC-20…</option>
            </select>
          </div>
        </div>
        {currencyChoice === "custom" ? (
          <div className="field">
            <label htmlFor={`${ids}-token`}>Token address</label>
            <input
              id={`${ids}-token`}
              value={customToken}
              placeholder="0x…"
              onChange={(e) => setCustomToken(e.target.value)}
            />
          </div>
        ) : null}
        {currency.isError ? (
          <p className="field-hint error-text">That address is not an ERC-20 token here.</p>
        ) : null}
        {currency.data && currency.data.address !== ETH ? (
          <p className="field-hint">
            Priced in {currency.data.symbol} ({currency.data.decimals} decimals).
          </p>
        ) : null}
        <fieldset className="field">
          <legend>Referral rewards, per level of the lineage</legend>
          {levels.map((level, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: a level is its position
            <div className="level-row" key={index}>
              <label htmlFor={`${ids}-level-${index}`}>{levelName(index + 1)}</label>
              <div className="level-input">
                <input
                  id={`${ids}-level-${index}`}
                  inputMode="decimal"
                  value={level}
                  onChange={(e) => setLevels(levels.map((old, i) => (i === index ? e.target.value : old)))}
                />
                <span aria-hidden="true">%</span>
                <button
                  type="button"
                  className="button ghost small"
                  onClick={() => setLevels(levels.filter((_, i) => i !== index))}
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
            onClick={() => setLevels([...levels, "1"])}
            disabled={levels.length >= maxDepth}
          >
            Add a level
          </button>
          <p className="field-hint">
            At most {maxDepth} levels. Rewards add up to {formatBps(rewardSum)}
            {feeBps > 0 ? `; the protocol fee is ${formatBps(feeBps)}` : ""}.
          </p>
          {scheduleTooLarge ? (
            <p className="field-hint error-text">
              Rewards and the protocol fee cannot exceed 100% of the price.
            </p>
          ) : null}
        </fieldset>
        <div className="field checkbox">
          <input
            id={`${ids}-transferable`}
            type="checkbox"
            checked={transferable}
            onChange={(e) => setTransferable(e.target.checked)}
          />
          <label htmlFor={`${ids}-transferable`}>Buyers may transfer their licenses</label>
        </div>
      </div>
      <div>
        <div className="panel">
          {split && currency.data ? (
            <SplitBar
              split={split}
              currency={currency.data}
              levelLabel={levelName}
              title="A sale through a copy with a full lineage"
            />
          ) : (
            <p className="muted">Enter a price and rewards to see how each sale splits.</p>
          )}
        </div>
        {stage.step === "encrypting" ? (
          <ProgressBar label="Encrypting" done={stage.done} total={stage.total} />
        ) : null}
        <TxStatus state={tx.state} label="Publish" />
        {stage.step === "failed" ? (
          <p className="notice danger" role="alert">
            {stage.message}
          </p>
        ) : null}
        <div className="actions">
          <button type="submit" className="button primary" disabled={!canPublish}>
            {busy ? "Publishing…" : "Encrypt and publish"}
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
