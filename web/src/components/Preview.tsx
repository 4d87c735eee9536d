"use client";

import { useEffect, useState } from "react";

const TEXT_PREVIEW_BYTES = 256 * 1024;

function isText(mediaType: string): boolean {
  return (
    mediaType.startsWith("text/") ||
    /^application\/(json|xml|javascript|x-ndjson)/.test(mediaType) ||
    mediaType.endsWith("+json")
  );
}

/** Shows decrypted content the browser can render itself: image, audio, video, PDF or text. */
export function Preview({ blob, mediaType, title }: { blob: Blob; mediaType: string; title: string }) {
  const [url, setUrl] = useState<string>();
  const [text, setText] = useState<string>();
  const textual = isText(mediaType);

  useEffect(() => {
    const typed = new Blob([blob], { type: mediaType });
    const objectUrl = URL.createObjectURL(typed);
    setUrl(objectUrl);
    return () => URL.revokeObjectURL(objectUrl);
  }, [blob, mediaType]);

  useEffect(() => {
    if (!textual) return;
    let cancelled = false;
    blob
      .slice(0, TEXT_PREVIEW_BYTES)
      .text()
      .then((value) => {
        if (!cancelled) setText(value);
      });
    return () => {
      cancelled = true;
    };
  }, [blob, textual]);

  if (!url) return null;
  if (mediaType.startsWith("image/")) {
    // biome-ignore lint/performance/noImgElement: a blob URL of content decrypted in this browser
    return <img className="preview" src={url} alt={title} data-testid="preview" />;
  }
  if (mediaType.startsWith("audio/")) {
    // biome-ignore lint/a11y/useMediaCaption: user content carries no caption track
    return <audio className="preview" src={url} controls data-testid="preview" />;
  }
  if (mediaType.startsWith("video/")) {
    // biome-ignore lint/a11y/useMediaCaption: user content carries no caption track
    return <video className="preview" src={url} controls data-testid="preview" />;
  }
  if (mediaType === "application/pdf") {
    return <iframe className="preview preview-pdf" src={url} title={title} data-testid="preview" />;
  }
  if (textual) {
    return (
      <pre className="preview preview-text" data-testid="preview">
        {text}
        {blob.size > TEXT_PREVIEW_BYTES ? "\n…" : ""}
      </pre>
    );
  }
  return <p className="muted">This type of file ({mediaType}) has no preview here. Save it to open it.</p>;
}
