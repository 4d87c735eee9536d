import assert from "node:assert/strict";
import { amendMetadata, type ContentMetadata, decodeMetadata, encodeMetadata } from "@superdist/contracts";
import { describe, test } from "vitest";

const full: ContentMetadata = {
  name: "Ünïcødé album 🎵",
  description: "Ten tracks,\nrecorded live.",
  image: "data:image/png;base64,iVBORw0KGgo=",
  mediaType: "audio/flac",
  fileName: "album.flac",
  size: 123_456_789,
  magnet: "magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef01234567&tr=udp%3A%2F%2Ftracker",
  url: "https://cdn.example/album.superdist",
};

/** The fields `decodeMetadata` found, without the ones it left undefined. */
function found(metadata: ContentMetadata): ContentMetadata {
  return Object.fromEntries(Object.entries(metadata).filter(([, value]) => value !== undefined));
}

const base64Json = (value: unknown) =>
  `data:application/json;base64,${Buffer.from(JSON.stringify(value)).toString("base64")}`;

describe("content metadata", () => {
  test("what encodeMetadata writes, decodeMetadata reads back, UTF-8 included", () => {
    const uri = encodeMetadata(full);
    assert.match(uri, /^data:application\/json;base64,[A-Za-z0-9+/]+=*$/);
    assert.deepEqual(found(decodeMetadata(uri)), full);
  });

  test("reads percent-encoded and base64 documents, with or without a charset, in any case", () => {
    const document = { name: "Plain", size: 3 };
    for (const uri of [
      `data:application/json,${encodeURIComponent(JSON.stringify(document))}`,
      `data:application/json;charset=utf-8,${encodeURIComponent(JSON.stringify(document))}`,
      base64Json(document).replace(";base64", ";charset=utf-8;base64"),
      base64Json(document).replace("data:application/json", "DATA:Application/JSON"),
    ]) {
      assert.deepEqual(found(decodeMetadata(uri)), document, uri);
    }
  });

  test("anything but an inline JSON document reads as no metadata: nothing is fetched", () => {
    for (const uri of [
      "",
      "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi",
      "https://metadata.example/1.json",
      "data:text/plain,hello",
      "data:application/jsonp,{}",
      " data:application/json,{}",
    ]) {
      assert.deepEqual(decodeMetadata(uri), {}, uri);
    }
  });

  test("a malformed document reads as no metadata instead of throwing", () => {
    for (const uri of [
      "data:application/json;base64,!!!not base64!!!",
      `data:application/json;base64,${Buffer.from("{ not json").toString("base64")}`,
      "data:application/json,%E0%A4%A",
      "data:application/json,{name:",
      "data:application/json,null",
      "data:application/json,42",
      'data:application/json,"a string"',
      "data:application/json,true",
    ]) {
      assert.deepEqual(decodeMetadata(uri), {}, uri);
    }
  });

  test("fields of the wrong type are dropped, the others kept", () => {
    const decoded = decodeMetadata(
      base64Json({
        name: 5,
        description: ["not", "text"],
        mediaType: "video/mp4",
        fileName: null,
        size: "12",
        magnet: 7,
        url: { href: "https://x" },
        extra: "ignored",
      }),
    );
    assert.deepEqual(found(decoded), { mediaType: "video/mp4" });
    assert.equal("extra" in decoded, false);
  });

  test("only inline images, magnet links and HTTP(S) URLs are kept: a catalog reveals its browsers to no host", () => {
    const decoded = (fields: Record<string, unknown>) => found(decodeMetadata(base64Json(fields)));
    assert.deepEqual(decoded({ image: "https://tracker.example/pixel.png" }), {});
    assert.deepEqual(decoded({ image: "data:text/html,<script>" }), {});
    assert.deepEqual(decoded({ image: "data:image/svg+xml,<svg/>" }), { image: "data:image/svg+xml,<svg/>" });
    assert.deepEqual(decoded({ magnet: "magnet:xt=urn:btih:00" }), {});
    assert.deepEqual(decoded({ magnet: "https://example/m" }), {});
    for (const url of [
      "javascript:alert(1)",
      "ftp://files.example/a",
      "//cdn.example/a",
      "file:///etc/passwd",
    ]) {
      assert.deepEqual(decoded({ url }), {}, url);
    }
    assert.deepEqual(decoded({ url: "HTTP://CDN.EXAMPLE/A" }), { url: "HTTP://CDN.EXAMPLE/A" });
    assert.deepEqual(decoded({ url: "http://cdn.example/a" }), { url: "http://cdn.example/a" });
  });
});

describe("amendMetadata", () => {
  test("sets the given fields and keeps every other one, including fields this version does not know", () => {
    const original = base64Json({ name: "Album", license: "CC-BY-4.0", url: "https://old.example/a" });
    const amended = amendMetadata(original, {
      url: "https://new.example/a",
      magnet: "magnet:?xt=urn:btih:ab",
    });
    const body = JSON.parse(Buffer.from(amended.split(",")[1] as string, "base64").toString("utf8"));
    assert.deepEqual(body, {
      name: "Album",
      license: "CC-BY-4.0",
      url: "https://new.example/a",
      magnet: "magnet:?xt=urn:btih:ab",
    });
    assert.deepEqual(found(decodeMetadata(amended)), {
      name: "Album",
      url: "https://new.example/a",
      magnet: "magnet:?xt=urn:btih:ab",
    });
  });

  test("amends a percent-encoded document too, and writes it back as base64", () => {
    const amended = amendMetadata(`data:application/json,${encodeURIComponent('{"name":"Café"}')}`, {
      size: 10,
    });
    assert.match(amended, /^data:application\/json;base64,/);
    assert.deepEqual(found(decodeMetadata(amended)), { name: "Café", size: 10 });
  });

  test("no metadata yet, or a document that is not an object, starts a new one", () => {
    for (const uri of ["", "   ", "data:application/json,[1,2]", "data:application/json,null"]) {
      assert.deepEqual(found(decodeMetadata(amendMetadata(uri, { name: "New" }))), { name: "New" }, uri);
    }
  });

  test("refuses metadata held elsewhere, which it cannot amend without fetching", () => {
    for (const uri of ["ipfs://bafy", "https://metadata.example/1.json"]) {
      assert.throws(() => amendMetadata(uri, { name: "x" }), {
        name: "TypeError",
        message: /only inline \(data:application\/json\) metadata can be amended/,
      });
    }
  });

  test("an inline document that is not JSON is an error, not silently replaced", () => {
    assert.throws(() => amendMetadata("data:application/json,{broken", { name: "x" }), SyntaxError);
  });
});
