"use client";

import { useId, useState } from "react";

const COVER_WIDTH = 480;
const COVER_HEIGHT = 270;

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

/** An optional cover image, previewed as it will be stored. */
export function CoverField({
  cover,
  onCover,
}: {
  cover: string | undefined;
  onCover: (cover?: string) => void;
}) {
  const id = useId();
  const [error, setError] = useState<string>();

  async function choose(chosen: File | undefined) {
    setError(undefined);
    if (!chosen) {
      onCover(undefined);
      return;
    }
    try {
      onCover(await coverDataUri(chosen));
    } catch {
      onCover(undefined);
      setError("This image could not be read; choose a PNG, JPEG, GIF or WebP file.");
    }
  }

  return (
    <div className="field">
      <label htmlFor={id}>Cover image (optional)</label>
      <input id={id} type="file" accept="image/*" onChange={(e) => choose(e.target.files?.[0])} />
      {error ? <p className="field-hint error-text">{error}</p> : null}
      {cover ? (
        // biome-ignore lint/performance/noImgElement: a local data URI preview
        <img className="cover cover-preview" src={cover} alt="Cover preview" />
      ) : null}
    </div>
  );
}
