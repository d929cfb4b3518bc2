/**
 * The search indexer: a Lambda behind an event source mapping on the results stream puts
 * each batch of result rows into OpenSearch with one _bulk call, and reports the rows it
 * could not write as partial batch failures, so Lambda retries those (and only those).
 * A row that can never be a document (not JSON, unknown index) is logged and skipped:
 * retrying it would block its shard forever.
 */
import { BatchResponse, KinesisEventRecord } from "../processing/lambda-batch";
import { bulkBody, resultDocument, ResultDocument } from "./result-documents";
import { SearchHttp } from "./setup";

export interface IndexerLog {
  error(fields: object, message: string): void;
}

interface BulkAnswer {
  errors?: boolean;
  items?: { index?: { status?: number; error?: { type?: string; reason?: string } } }[];
}

export async function indexResults(
  records: readonly KinesisEventRecord[],
  http: SearchHttp,
  log: IndexerLog,
): Promise<BatchResponse> {
  const batch: { record: KinesisEventRecord; document: ResultDocument }[] = [];
  for (const record of records) {
    const parsed = resultDocument(Buffer.from(record.kinesis.data, "base64"));
    if (parsed.ok) batch.push({ record, document: parsed.value });
    else log.error({ eventID: record.eventID, reason: parsed.reason }, "result row skipped: it cannot be a document");
  }
  if (batch.length === 0) return { batchItemFailures: [] };

  const failed = (entries: typeof batch) => ({
    batchItemFailures: entries.map((e) => ({ itemIdentifier: e.record.kinesis.sequenceNumber })),
  });
  const response = await http.request("POST", "/_bulk", bulkBody(batch.map((b) => b.document)), {
    "content-type": "application/x-ndjson",
  });
  if (response.status < 200 || response.status > 299) {
    log.error({ status: response.status, body: response.body }, "_bulk refused: the whole batch is retried");
    return failed(batch);
  }
  const answer = response.body as BulkAnswer;
  const items = answer.items ?? [];
  if (items.length !== batch.length) {
    log.error(
      { sent: batch.length, answered: items.length },
      "_bulk answered another count: the whole batch is retried",
    );
    return failed(batch);
  }
  const notWritten = batch.filter((_, i) => {
    const status = items[i].index?.status ?? 0;
    return status < 200 || status > 299;
  });
  for (const entry of notWritten) {
    const item = items[batch.indexOf(entry)].index;
    log.error(
      { eventID: entry.record.eventID, id: entry.document.id, status: item?.status, error: item?.error },
      "document not written: retried",
    );
  }
  return failed(notWritten);
}
