const EMPTY: Uint8Array = new Uint8Array(0);
const noop = () => {};

/** Bytes asked of a byte stream per read. */
export const READ_SIZE = 1 << 20;

/**
 * Reads a stream in pieces of at most a given length, one read ahead of the caller, so that the source's
 * next read (a file read on a libuv thread, a network receive) runs while the caller works on the last.
 * The first read starts at once.
 *
 * A readable byte stream (`type: "bytes"`, e.g. `readFileStream`) is read with a BYOB reader into two
 * buffers of this reader's own, used in turn: a piece is only valid until the next `read`, and no piece
 * costs a fresh buffer. Fresh megabyte buffers per piece are what V8 frees only after tens of megabytes of
 * them pile up, and what makes the kernel fault in a new page per 4 KiB. Any other stream is read with a
 * default reader and its chunks are lent out as they come.
 *
 * A BYOB read ahead asks for as many bytes as the caller asked for last: a caller that takes a steady
 * amount (encryptPackage filling 1 MiB reads takes 15 chunks each time, holding back the last one) then
 * takes one whole piece per call, instead of most of one and then the rest.
 */
export class PieceReader {
  readonly #byob: ReadableStreamBYOBReader | undefined;
  readonly #default: ReadableStreamDefaultReader<Uint8Array> | undefined;
  #ahead: Promise<ReadableStreamReadResult<Uint8Array>>;
  /** The piece read last, whose buffer the caller may still be reading until its next `read`. */
  #held: Uint8Array = EMPTY;
  #rest: Uint8Array = EMPTY;
  #ended = false;
  #wanted = READ_SIZE;

  constructor(stream: ReadableStream<Uint8Array>) {
    try {
      this.#byob = stream.getReader({ mode: "byob" });
    } catch {
      // Not a byte stream: getReader throws before locking it.
      this.#default = stream.getReader();
    }
    this.#ahead = this.#start(EMPTY);
  }

  /** The next at most `max` bytes, or undefined once the stream has ended. Valid until the next call. */
  async read(max: number): Promise<Uint8Array | undefined> {
    this.#wanted = Math.max(1, Math.min(max, READ_SIZE));
    while (this.#rest.length === 0) {
      if (this.#ended) return undefined;
      const free = this.#held;
      const { done, value } = await this.#ahead;
      if (done || value === undefined) {
        this.#ended = true;
        return undefined;
      }
      this.#held = value;
      this.#rest = value;
      this.#ahead = this.#start(free);
    }
    const piece = this.#rest.subarray(0, max);
    this.#rest = this.#rest.subarray(piece.length);
    return piece;
  }

  /** Puts back the end of the piece read last, which the next `read` then starts with. */
  unread(rest: Uint8Array): void {
    this.#rest = rest;
  }

  async cancel(reason?: unknown): Promise<void> {
    this.#ended = true;
    await (this.#byob ?? this.#default)?.cancel(reason);
  }

  /** Starts the next read, into `free`'s whole buffer when it is one of ours. */
  #start(free: Uint8Array): Promise<ReadableStreamReadResult<Uint8Array>> {
    const reading =
      this.#byob === undefined
        ? (this.#default as ReadableStreamDefaultReader<Uint8Array>).read()
        : this.#byob.read(
            new Uint8Array(
              free.buffer.byteLength > 0 ? free.buffer : new ArrayBuffer(READ_SIZE),
              0,
              this.#wanted,
            ),
          );
    // Awaited by the next `read`; this only keeps a failure nobody waits for (after a cancel) quiet.
    reading.catch(noop);
    return reading;
  }
}
