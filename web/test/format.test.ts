import { describe, expect, test } from "vitest";
import { formatAmount, formatBps, formatSchedule, formatSize, shortAddress } from "../src/lib/format.ts";

describe("amounts for people", () => {
  test("drops trailing zeros, groups thousands and keeps at most four decimals", () => {
    expect(formatAmount(1_234_500_000_000_000_000_000n, 18, "ETH")).toBe("1,234.5 ETH");
    expect(formatAmount(10n ** 18n, 18, "ETH")).toBe("1 ETH");
    expect(formatAmount(123_456_789n, 6, "DUSD")).toBe("123.4567 DUSD");
    expect(formatAmount(0n, 18, "ETH")).toBe("0 ETH");
  });

  test("a dust amount is shown as less than the smallest shown unit, never as zero", () => {
    expect(formatAmount(1n, 18, "ETH")).toBe("<0.0001 ETH");
    expect(formatAmount(1n, 6, "DUSD", 2)).toBe("<0.01 DUSD");
  });

  test("a negative amount keeps its sign", () => {
    expect(formatAmount(-15n * 10n ** 17n, 18, "ETH")).toBe("-1.5 ETH");
  });

  test("basis points as percentages, and the schedule by level", () => {
    expect(formatBps(1000)).toBe("10%");
    expect(formatBps(750n)).toBe("7.5%");
    expect(formatSchedule([1000, 500, 150])).toBe("Referrers earn 10% · 5% · 1.5%");
    expect(formatSchedule([])).toBe("No referral rewards");
  });

  test("sizes in bytes, then binary units", () => {
    expect(formatSize(0)).toBe("0 B");
    expect(formatSize(1023)).toBe("1023 B");
    expect(formatSize(1536)).toBe("1.5 KiB");
    expect(formatSize(300 * 1024 * 1024)).toBe("300 MiB");
    expect(formatSize(5 * 1024 ** 5)).toBe("5,120 TiB");
  });

  test("an address is shortened to its first and last characters", () => {
    expect(shortAddress("0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC")).toBe("0x3C44…93BC");
  });
});
