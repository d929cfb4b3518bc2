/**
 * Where each part with a contract is documented: its page under docs/, and the module its
 * contract is in (which the generated sections' markers name). Typed by PartName, so a new
 * part does not compile until it has a page.
 */
import { PartName } from "../runtime/common/contract";

export const PART_PAGES: { readonly [P in PartName]: { page: string; contract: string } } = {
  ingest: { page: "docs/ingest.md", contract: "runtime/ingest/contract.ts" },
  processing: { page: "docs/processing.md", contract: "runtime/processing/service-contract.ts" },
  processingLambda: { page: "docs/processing.md", contract: "runtime/processing/lambda-contract.ts" },
  replay: { page: "docs/replay.md", contract: "runtime/replay/contract.ts" },
  shardScalerLambda: { page: "docs/scaling.md", contract: "runtime/scaling/shard-scaler-contract.ts" },
  flinkScalerLambda: { page: "docs/scaling.md", contract: "runtime/scaling/flink-scaler-contract.ts" },
  searchSetupLambda: { page: "docs/search.md", contract: "runtime/search/setup-contract.ts" },
  searchIndexerLambda: { page: "docs/search.md", contract: "runtime/search/indexer-contract.ts" },
  schemaSetupLambda: { page: "docs/schemas.md", contract: "runtime/schemas/setup-contract.ts" },
  hotspotJob: { page: "docs/hotspots.md", contract: "runtime/hotspots/job-contract.ts" },
  hotspotProcessor: { page: "docs/hotspots.md", contract: "runtime/hotspots/processor-contract.ts" },
  lake: { page: "docs/lake.md", contract: "runtime/lake/contract.ts" },
  lakeCompactorLambda: { page: "docs/lake.md", contract: "runtime/lake/compaction/compactor-contract.ts" },
  local: { page: "docs/local.md", contract: "runtime/local/contract.ts" },
};

export const PARTS = Object.keys(PART_PAGES) as PartName[];
