import { expect } from "chai";
import {
  firehoseBill,
  firehoseBilledBytes,
  firehoseObjectsPerHour,
  FIREHOSE_BILLING_ROUND_BYTES,
} from "../../../runtime/cost/firehose-bill";
import { priceSheet } from "../../../runtime/cost/price-table";
import { priceBill } from "../../../runtime/cost/stream-bill";

const prices = priceSheet("us-east-1").prices;

describe("what Firehose would charge for the lake's job", () => {
  const rounding: [string, number, number][] = [
    ["a 200 B record is billed as 5 KB", 200, 5120],
    ["exactly 5 KB stays 5 KB", 5120, 5120],
    ["one byte more is 10 KB", 5121, 10_240],
    ["a 22,668 B aggregate is 25 KB", 22_668, 25_600],
  ];
  for (const [name, bytes, billed] of rounding) {
    it(name, () => expect(firehoseBilledBytes(1, bytes)).to.equal(billed));
  }

  it("flushes each tenant's partition once a buffer interval", () => {
    expect(firehoseObjectsPerHour(10, 300)).to.equal(120);
    expect(firehoseObjectsPerHour(1, 900)).to.equal(4);
    expect(FIREHOSE_BILLING_ROUND_BYTES).to.equal(5 * 1024);
  });

  it("1,000 records/s of 200 B unaggregated, a month by hand: $598.85", () => {
    // Billed: 1,000 x 5,120 B x 2,628,000 s = 12,531.7 GB at $0.029 + $0.018; delivered
    // 200,000 B/s = 489.5 GB at $0.02; 1 tenant flushed every 300 s: 8,760 objects at
    // $0.005 (partitioning) + $0.005 (S3 PUT) per 1,000.
    const bill = priceBill(
      firehoseBill({ recordsPerSecond: 1000, recordBytes: 200, deliveredBytesPerSecond: 200_000, objectsPerHour: 12 }),
      730,
      prices,
    );
    const billedGb = (1000 * 5120 * 2_628_000) / 1024 ** 3;
    const deliveredGb = (200_000 * 2_628_000) / 1024 ** 3;
    expect(bill.usd).to.be.closeTo(billedGb * 0.047 + deliveredGb * 0.02 + 8.76 * 0.01, 1e-9);
    expect(bill.usd.toFixed(2)).to.equal("598.85");
    expect(bill.lines.map((l) => l.what)).to.deep.equal([
      "ingestion (records rounded up to 5 KB)",
      "format conversion to Parquet",
      "dynamic partitioning (data)",
      "dynamic partitioning (objects)",
      "S3 PUT requests of its objects",
    ]);
  });
});
