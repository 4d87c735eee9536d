"use client";

import { type FormEvent, useId, useState } from "react";
import { magnetFromShareLink } from "../lib/p2p.ts";

/** A pasted share link: the magnet it carries is fetched from peers. */
export function SharedLinkForm({
  onMagnet,
  onInvalid,
  busy,
}: {
  onMagnet: (magnet: string) => void;
  onInvalid: () => void;
  busy: boolean;
}) {
  const id = useId();
  const [link, setLink] = useState("");

  function submit(event: FormEvent) {
    event.preventDefault();
    const magnet = magnetFromShareLink(link);
    if (magnet) onMagnet(magnet);
    else onInvalid();
  }

  return (
    <form className="shared-link" onSubmit={submit}>
      <label className="share-label" htmlFor={id}>
        Or paste a peer-to-peer share link
      </label>
      <div className="share-row">
        <input
          id={id}
          value={link}
          placeholder="…/open#magnet:?xt=…"
          onChange={(e) => setLink(e.target.value)}
        />
        <button type="submit" className="button small" disabled={busy}>
          Fetch
        </button>
      </div>
    </form>
  );
}
