import { DeliveryError } from "./errors.ts";

/**
 * Bencode (BEP 3), the encoding of .torrent files. Byte strings decode to Uint8Array, since `pieces` is binary;
 * strings given to the encoder are written as UTF-8. Integers are JavaScript safe integers: a torrent's lengths
 * stay far below 2^53.
 */
export type BencodeValue = number | string | Uint8Array | BencodeValue[] | BencodeDictionary;
export type BencodeDictionary = { [key: string]: BencodeValue };

/** Deeper nesting than any torrent needs is refused, so that hostile input cannot exhaust the stack. */
const MAX_DEPTH = 64;

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const diff = (a[i] as number) - (b[i] as number);
    if (diff !== 0) return diff;
  }
  return a.length - b.length;
}

export function encodeBencode(value: BencodeValue): Uint8Array {
  const parts: Uint8Array[] = [];
  const push = (text: string) => parts.push(encoder.encode(text));
  const write = (item: BencodeValue) => {
    if (typeof item === "number") {
      if (!Number.isSafeInteger(item)) throw new TypeError(`bencode integers must be safe integers: ${item}`);
      push(`i${item}e`);
    } else if (typeof item === "string") {
      const bytes = encoder.encode(item);
      push(`${bytes.length}:`);
      parts.push(bytes);
    } else if (item instanceof Uint8Array) {
      push(`${item.length}:`);
      parts.push(item);
    } else if (Array.isArray(item)) {
      push("l");
      for (const element of item) write(element);
      push("e");
    } else {
      // Keys sorted as raw byte strings (BEP 3), which is what makes an info hash reproducible.
      const entries = Object.entries(item)
        .filter(([, element]) => element !== undefined)
        .map(([key, element]) => [encoder.encode(key), element] as const)
        .sort(([a], [b]) => compareBytes(a, b));
      push("d");
      for (const [key, element] of entries) {
        push(`${key.length}:`);
        parts.push(key);
        write(element);
      }
      push("e");
    }
  };
  write(value);
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export type DecodedBencode = {
  value: BencodeValue;
  /** Where each value of the top-level dictionary lies in the input, so that `info` can be hashed as given. */
  spans: Map<string, { start: number; end: number }>;
};

function invalid(details: string): DeliveryError {
  return new DeliveryError("TORRENT_INVALID", "This is not a valid .torrent file.", { details });
}

const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;

/**
 * Decodes one bencoded value that spans all of `bytes`. Integers and lengths must be canonical (no leading zeros,
 * no "-0"), dictionary keys unique and in order: what does not follow BEP 3 is refused rather than guessed at.
 */
export function decodeBencode(bytes: Uint8Array): DecodedBencode {
  let pos = 0;
  const spans = new Map<string, { start: number; end: number }>();

  const readNumber = (terminator: number, what: string): number => {
    const start = pos;
    const end = bytes.indexOf(terminator, pos);
    if (end < 0 || end - start > 20) throw invalid(`${what} at offset ${start} is not terminated`);
    const text = String.fromCharCode(...bytes.subarray(start, end));
    if (!/^(0|-?[1-9][0-9]*)$/.test(text)) throw invalid(`${what} "${text.slice(0, 20)}" is not canonical`);
    const value = Number(text);
    if (!Number.isSafeInteger(value)) throw invalid(`${what} ${text.slice(0, 20)} is too large`);
    pos = end + 1;
    return value;
  };

  const readBytes = (): Uint8Array => {
    const length = readNumber(0x3a /* : */, "a string length");
    if (length < 0 || pos + length > bytes.length)
      throw invalid(`a string at offset ${pos} overruns the input`);
    const value = bytes.slice(pos, pos + length);
    pos += length;
    return value;
  };

  const read = (depth: number): BencodeValue => {
    if (depth > MAX_DEPTH) throw invalid("nesting is too deep");
    const lead = bytes[pos];
    if (lead === undefined) throw invalid("the input ends inside a value");
    if (lead === 0x69 /* i */) {
      pos++;
      return readNumber(0x65 /* e */, "an integer");
    }
    if (lead >= DIGIT_0 && lead <= DIGIT_9) return readBytes();
    if (lead === 0x6c /* l */) {
      pos++;
      const list: BencodeValue[] = [];
      while (bytes[pos] !== 0x65) list.push(read(depth + 1));
      pos++;
      return list;
    }
    if (lead === 0x64 /* d */) {
      pos++;
      const dictionary: BencodeDictionary = Object.create(null);
      let previous: Uint8Array | undefined;
      while (bytes[pos] !== 0x65) {
        if (bytes[pos] === undefined) throw invalid("the input ends inside a dictionary");
        const rawKey = readBytes();
        if (previous && compareBytes(previous, rawKey) >= 0) throw invalid("dictionary keys are not sorted");
        previous = rawKey;
        let key: string;
        try {
          key = decoder.decode(rawKey);
        } catch {
          throw invalid("a dictionary key is not UTF-8");
        }
        const start = pos;
        dictionary[key] = read(depth + 1);
        if (depth === 0) spans.set(key, { start, end: pos });
      }
      pos++;
      return dictionary;
    }
    throw invalid(`unexpected byte 0x${lead.toString(16)} at offset ${pos}`);
  };

  const value = read(0);
  if (pos !== bytes.length) throw invalid(`${bytes.length - pos} bytes follow the value`);
  return { value, spans };
}

/** A byte string of a decoded value as text, for names and URLs. */
export function bencodeText(value: BencodeValue | undefined): string | undefined {
  if (!(value instanceof Uint8Array)) return undefined;
  try {
    return decoder.decode(value);
  } catch {
    return undefined;
  }
}
