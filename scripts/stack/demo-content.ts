/** The demo catalog's files, generated here so the repository carries no media: a picture, a sound and a text. */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";

export type DemoFile = { path: string; title: string; description: string; cover: string };

/** A card-sized cover (480×270, as the dApp makes them): a gradient, a motif and the title. */
function cover(title: string, from: string, to: string, motif: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="480" height="270" viewBox="0 0 480 270">
<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${from}"/><stop offset="1" stop-color="${to}"/></linearGradient></defs>
<rect width="480" height="270" fill="url(#g)"/>${motif}
<text x="24" y="246" font-family="sans-serif" font-size="26" font-weight="700" fill="#ffffff">${title}</text>
</svg>\n`;
}

const COVERS = {
  picture: cover(
    "Harbour at Dusk",
    "#1b2a4a",
    "#d9765f",
    '<circle cx="370" cy="110" r="46" fill="#ffd9a0"/><rect y="160" width="480" height="110" fill="#1d3b5c" opacity="0.85"/><path d="M70 160 L100 90 L130 160 Z" fill="#2b2b3a"/>',
  ),
  sound: cover(
    "Tide Chime",
    "#0f766e",
    "#5eead4",
    Array.from(
      { length: 24 },
      (_, i) =>
        `<rect x="${40 + i * 17}" y="${120 - ((i * 37) % 70)}" width="9" height="${2 * ((i * 37) % 70) + 20}" rx="4" fill="#ffffff" opacity="0.8"/>`,
    ).join(""),
  ),
  text: cover(
    "Field Notes",
    "#4b3fe0",
    "#a39cff",
    Array.from(
      { length: 6 },
      (_, i) =>
        `<rect x="40" y="${40 + i * 26}" width="${360 - (i % 3) * 70}" height="10" rx="5" fill="#ffffff" opacity="0.7"/>`,
    ).join(""),
  ),
};

/** A harbour at dusk, as SVG: a picture every browser previews. */
function picture(): string {
  const stars = Array.from({ length: 40 }, (_, i) => {
    const x = (i * 97) % 800;
    const y = (i * 53) % 220;
    return `<circle cx="${x}" cy="${y}" r="${(i % 3) + 1}" fill="#fff" opacity="${0.3 + (i % 5) / 10}"/>`;
  }).join("");
  const waves = Array.from({ length: 8 }, (_, i) => {
    const y = 380 + i * 28;
    return `<path d="M0 ${y} Q 100 ${y - 12} 200 ${y} T 400 ${y} T 600 ${y} T 800 ${y}" stroke="#9ec5e8" stroke-opacity="${0.5 - i * 0.05}" fill="none" stroke-width="3"/>`;
  }).join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="800" height="600" viewBox="0 0 800 600">
<defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#1b2a4a"/><stop offset="0.6" stop-color="#d9765f"/><stop offset="1" stop-color="#f2c48d"/></linearGradient></defs>
<rect width="800" height="360" fill="url(#sky)"/>${stars}
<circle cx="600" cy="330" r="60" fill="#ffd9a0"/>
<rect y="360" width="800" height="240" fill="#1d3b5c"/>${waves}
<path d="M120 360 L170 250 L220 360 Z" fill="#2b2b3a"/><rect x="165" y="200" width="6" height="160" fill="#2b2b3a"/>
<text x="40" y="560" font-family="sans-serif" font-size="28" fill="#f5f5f5">Harbour at Dusk</text>
</svg>\n`;
}

/** Three seconds of a chime (a WAV file, 16-bit mono): a sound every browser plays. */
function sound(): Buffer {
  const rate = 22050;
  const seconds = 3;
  const samples = rate * seconds;
  const data = Buffer.alloc(samples * 2);
  const notes = [523.25, 659.25, 783.99, 1046.5];
  for (let i = 0; i < samples; i++) {
    const t = i / rate;
    const note = notes[Math.min(notes.length - 1, Math.floor(t / 0.75))];
    const local = t % 0.75;
    const envelope = Math.exp(-local * 4);
    const value =
      Math.sin(2 * Math.PI * note * t) * envelope * 0.5 + Math.sin(4 * Math.PI * note * t) * envelope * 0.1;
    data.writeInt16LE(Math.round(value * 32767), i * 2);
  }
  const header = Buffer.alloc(44);
  header.write("RIFF", 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write("WAVEfmt ", 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write("data", 36);
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

function text(): string {
  return `Field Notes on Superdistribution

1. A copy travels freely. A license does not.
2. Whoever opens a copy that is not theirs is asked to buy their own, through the copy they hold.
3. The holder of that copy earns a share, and so does the holder before them, as far up as the publisher allows.
4. After buying, the new copy is keyed to its buyer: passing it on now rewards them.
5. Nothing here needs a server that remembers anything. The chain remembers who owns what.
`;
}

export async function writeDemoFiles(
  dir: string,
): Promise<{ picture: DemoFile; sound: DemoFile; text: DemoFile }> {
  const files = {
    picture: {
      path: join(dir, "harbour-at-dusk.svg"),
      title: "Harbour at Dusk",
      description: "A picture of a harbour as the sun goes down.",
      cover: join(dir, "harbour-at-dusk.cover.svg"),
    },
    sound: {
      path: join(dir, "tide-chime.wav"),
      title: "Tide Chime",
      description: "Three seconds of a rising chime.",
      cover: join(dir, "tide-chime.cover.svg"),
    },
    text: {
      path: join(dir, "field-notes.txt"),
      title: "Field Notes on Superdistribution",
      description: "Five short notes on how copies pay their way.",
      cover: join(dir, "field-notes.cover.svg"),
    },
  };
  await writeFile(files.picture.path, picture());
  await writeFile(files.sound.path, sound());
  await writeFile(files.text.path, text());
  for (const [name, file] of Object.entries(files))
    await writeFile(file.cover, COVERS[name as keyof typeof COVERS]);
  return files;
}
