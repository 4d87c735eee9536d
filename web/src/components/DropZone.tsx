"use client";

import { type DragEvent, useId, useState } from "react";

/** A place to drop a package, or to choose one. */
export function DropZone({ onFile }: { onFile: (file: File) => void }) {
  const inputId = useId();
  const [dragging, setDragging] = useState(false);

  function onDrop(event: DragEvent) {
    event.preventDefault();
    setDragging(false);
    const file = event.dataTransfer.files[0];
    if (file) onFile(file);
  }

  return (
    <section
      className={`drop-zone${dragging ? " active" : ""}`}
      onDragOver={(event) => {
        event.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
      aria-label="Drop a package here"
    >
      <p>
        <strong>Drop a package here</strong>
      </p>
      <label htmlFor={inputId} className="button small choose-file">
        or choose a file
      </label>
      <input
        id={inputId}
        type="file"
        className="visually-hidden"
        data-testid="package-input"
        onChange={(event) => {
          const file = event.target.files?.[0];
          if (file) onFile(file);
          event.target.value = "";
        }}
      />
    </section>
  );
}
