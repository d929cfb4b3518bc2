/**
 * Every part of the pipeline, by name, with its contract (runtime/common/contract.ts): the
 * one list of entry points, environments, calls and metrics. The IAM check finds the parts
 * of a plan by their entry points here; a new part joins PartName and this list, and tsc
 * holds the two equal.
 */
import { AnyContract, PartName } from "./common/contract";
import { HOTSPOT_JOB } from "./hotspots/job-contract";
import { HOTSPOT_PROCESSOR } from "./hotspots/processor-contract";
import { INGEST } from "./ingest/contract";
import { LAKE_COMPACTOR } from "./lake/compaction/compactor-contract";
import { LAKE } from "./lake/contract";
import { LOCAL } from "./local/contract";
import { PROCESSING_LAMBDA } from "./processing/lambda-contract";
import { PROCESSING } from "./processing/service-contract";
import { REPLAY } from "./replay/contract";
import { FLINK_SCALER } from "./scaling/flink-scaler-contract";
import { SHARD_SCALER } from "./scaling/shard-scaler-contract";
import { SCHEMA_SETUP } from "./schemas/setup-contract";
import { SEARCH_INDEXER } from "./search/indexer-contract";
import { SEARCH_SETUP } from "./search/setup-contract";

export const CONTRACTS: { readonly [P in PartName]: AnyContract } = {
  ingest: INGEST,
  processing: PROCESSING,
  processingLambda: PROCESSING_LAMBDA,
  replay: REPLAY,
  shardScalerLambda: SHARD_SCALER,
  flinkScalerLambda: FLINK_SCALER,
  searchSetupLambda: SEARCH_SETUP,
  searchIndexerLambda: SEARCH_INDEXER,
  schemaSetupLambda: SCHEMA_SETUP,
  hotspotJob: HOTSPOT_JOB,
  hotspotProcessor: HOTSPOT_PROCESSOR,
  lake: LAKE,
  lakeCompactorLambda: LAKE_COMPACTOR,
  local: LOCAL,
};

export const ALL_CONTRACTS: readonly AnyContract[] = Object.values(CONTRACTS);
