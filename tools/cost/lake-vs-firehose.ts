/**
 * The lake writer against Amazon Data Firehose for the same records: what each charges to
 * deliver the stream into the lake as Parquet by tenant and hour. What both pay alike (the
 * objects' storage, Athena, the bucket's key) is left out of both sides.
 */
import { HOURS_PER_MONTH, PriceSheet } from "../../runtime/cost/price-table";
import { firehoseBill, firehoseObjectsPerHour } from "../../runtime/cost/firehose-bill";
import { PricedBill, priceBill } from "../../runtime/cost/stream-bill";
import { StreamLoad } from "../../runtime/cost/stream-traffic";
import { LakeTraffic } from "./lake-traffic";
import { Usage } from "./usage";

/** The estimate's items as this comparison reads them. */
export interface ItemView {
  part: string;
  type: string;
  name: string;
  what: string;
  monthlyUsd: number;
  price: { key: string };
}

export interface LakeAgainstFirehose {
  writer: { lines: { what: string; usd: number }[]; usd: number };
  /** Firehose reading the stream as ingest writes it (aggregated). */
  firehose: PricedBill;
  /** Firehose fed one record per user record (a producer that does not aggregate, or Direct PUT). */
  firehoseUnaggregated: PricedBill;
  /** Firehose's buffer interval assumed: the lake's roll time, within Firehose's 60..900 s. */
  bufferSeconds: number;
}

/** The lake writer's own resources, what Firehose would replace, each as a reader names it. */
const WRITER_TYPES: Readonly<Record<string, string>> = {
  "aws:ecs/service:Service": "workers",
  "aws:kinesis/streamConsumer:StreamConsumer": "fan-out",
  "aws:dynamodb/table:Table": "leases",
  "aws:cloudwatch/logGroup:LogGroup": "logs",
  // The compactor merges the writer's small objects; Firehose's buffers make large ones itself.
  "aws:lambda/function:Function": "compactor",
};

export function lakeAgainstFirehose(
  items: ItemView[],
  lake: LakeTraffic,
  load: StreamLoad,
  usage: Usage,
  sheet: PriceSheet,
  /** The VPC has a Kinesis interface endpoint: the workers' reads go through it, not NAT. */
  streamEndpoint: boolean,
): LakeAgainstFirehose {
  const lines = items
    .filter(
      (i) =>
        i.part === "lake" &&
        (WRITER_TYPES[i.type] !== undefined ||
          (i.type.startsWith("aws:s3/bucket") && (i.price.key === "s3PutRequests" || i.price.key === "s3GetRequests"))),
    )
    .map((i) => ({ what: `${WRITER_TYPES[i.type] ?? "objects"} ${i.what}`, usd: i.monthlyUsd }));
  // The lake workers' reads of the stream leave the VPC through the Kinesis endpoint when
  // there is one, else through NAT (the VPC's lines count every reader); their Parquet PUTs
  // go through the S3 gateway endpoint, free.
  const readGb = (load.bytesPerSecond * 3600 * HOURS_PER_MONTH) / 1024 ** 3;
  if (streamEndpoint) {
    lines.push({ what: "Kinesis endpoint data of its reads", usd: readGb * sheet.prices.vpcEndpointGb.usd });
  } else if (items.some((i) => i.price.key === "natGatewayGb")) {
    lines.push({ what: "NAT data of its reads", usd: readGb * sheet.prices.natGatewayGb.usd });
  }
  const bufferSeconds = Math.min(900, Math.max(60, lake.rollSeconds));
  const delivered = usage.recordsPerSecond * usage.recordBytes;
  const objectsPerHour = firehoseObjectsPerHour(usage.tenants, bufferSeconds);
  const bill = (recordsPerSecond: number, recordBytes: number) =>
    priceBill(
      firehoseBill({ recordsPerSecond, recordBytes, deliveredBytesPerSecond: delivered, objectsPerHour }),
      HOURS_PER_MONTH,
      sheet.prices,
    );
  return {
    writer: { lines, usd: lines.reduce((s, l) => s + l.usd, 0) },
    firehose: bill(load.kinesisRecordsPerSecond, load.bytesPerSecond / Math.max(1e-9, load.kinesisRecordsPerSecond)),
    firehoseUnaggregated: bill(usage.recordsPerSecond, usage.recordBytes),
    bufferSeconds,
  };
}
