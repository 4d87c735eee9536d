/** This browser's own storage, in a real Chromium IndexedDB: the identity and the copies it holds. */
import { describe, expect, test } from "vitest";
import { COPY_STORE, readValue, writeOnce, writeValue } from "../src/lib/browserStore.ts";
import { listCopies, type StoredCopy, saveBlob, storeCopy } from "../src/lib/copies.ts";
import { browserIdentity } from "../src/lib/identity.ts";

const MARKET = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const OTHER_MARKET = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512";

function copy(overrides: Partial<Omit<StoredCopy, "savedAt">>): Omit<StoredCopy, "savedAt"> {
  return {
    chainId: 31337,
    market: MARKET,
    contentId: "1",
    holderTokenId: "0",
    fileName: "album.superdist",
    blob: new Blob(["age-encryption.org/v1\n"]),
    keyedHere: false,
    ...overrides,
  };
}

describe("the browser's identity", () => {
  test("is created once, kept, and its private key cannot be read by script", async () => {
    const first = await browserIdentity();
    expect(first.recipient).toMatch(/^age1[0-9a-z]{58}$/);
    expect(first.key.extractable).toBe(false);
    await expect(crypto.subtle.exportKey("pkcs8", first.key)).rejects.toThrow();
    const again = await browserIdentity();
    expect(again.recipient).toBe(first.recipient);
    const stored = await readValue<{ recipient: string }>("identity", "current");
    expect(stored?.recipient).toBe(first.recipient);
  });
});

describe("stored values", () => {
  test("writeOnce keeps the first value written under a key", async () => {
    expect(await writeOnce(COPY_STORE, "race", { n: 1 })).toEqual({ n: 1 });
    expect(await writeOnce(COPY_STORE, "race", { n: 2 })).toEqual({ n: 1 });
    await writeValue(COPY_STORE, "race", { n: 3 });
    expect(await readValue(COPY_STORE, "race")).toEqual({ n: 3 });
    expect(await readValue(COPY_STORE, "never-written")).toBeUndefined();
  });
});

describe("copies", () => {
  test("are listed per market, copies keyed here first, then the newest", async () => {
    await storeCopy(copy({ contentId: "7", holderTokenId: "1", keyedHere: false }));
    await new Promise((resolve) => setTimeout(resolve, 5));
    await storeCopy(copy({ contentId: "7", holderTokenId: "2", keyedHere: false }));
    await storeCopy(copy({ contentId: "7", holderTokenId: "3", keyedHere: true }));
    await storeCopy(copy({ contentId: "7", holderTokenId: "4", market: OTHER_MARKET }));
    const listed = (await listCopies(31337, MARKET.toLowerCase() as typeof MARKET)).filter(
      (c) => c.contentId === "7",
    );
    expect(listed.map((c) => c.holderTokenId)).toEqual(["3", "2", "1"]);
    expect(await listed[0].blob.text()).toBe("age-encryption.org/v1\n");
    expect(await listCopies(1, MARKET)).toEqual([]);
  });

  test("storing the same copy again replaces it", async () => {
    await storeCopy(copy({ contentId: "8", fileName: "old.superdist" }));
    await storeCopy(copy({ contentId: "8", fileName: "new.superdist" }));
    const listed = (await listCopies(31337, MARKET)).filter((c) => c.contentId === "8");
    expect(listed.map((c) => c.fileName)).toEqual(["new.superdist"]);
  });

  test("saving offers the blob as a download under its name, and leaves no link behind", async () => {
    const clicked: { name: string; href: string }[] = [];
    const click = HTMLAnchorElement.prototype.click;
    HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
      clicked.push({ name: this.download, href: this.href });
    };
    try {
      saveBlob(new Blob(["hello"]), "hello.txt");
    } finally {
      HTMLAnchorElement.prototype.click = click;
    }
    expect(clicked).toHaveLength(1);
    expect(clicked[0].name).toBe("hello.txt");
    expect(await (await fetch(clicked[0].href)).text()).toBe("hello");
    expect(document.querySelectorAll("a[download]")).toHaveLength(0);
  });
});
