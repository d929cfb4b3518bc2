/**
 * The runtime's parts as the IAM check knows them (names from runtime/common/services.ts): those
 * that run on AWS under a role of their own, found in the plan by the entry point their
 * task or function runs, and those that only ever reach the local emulators.
 */
import { PartName } from "../../runtime/common/aws/call-trace";
import { CONSUMER_VARIABLES } from "../../runtime/processing/settings";
import { INGEST_VARIABLES } from "../../runtime/ingest/settings";

/**
 * A setting that decides which calls a part makes of a service: a recorded call of that
 * service counts for a planned part only when both have the same value (unset: `default`,
 * the part's own). Other settings only name resources (bridge.ts).
 */
export interface Mode {
  default: string;
  /** The services (SDK service ids) whose calls it decides. */
  decides: readonly string[];
}

export interface DeployedPart {
  modes?: Record<string, Mode>;
  /** Why the part makes no AWS call at all (so no recorded call is expected of it). */
  callsNothing?: string;
}

export const DEPLOYED_PARTS: Partial<Record<PartName, DeployedPart>> = {
  ingest: {
    modes: {
      // On, it registers its schema (GetSchemaByDefinition, RegisterSchemaVersion); off, it reads the latest.
      SCHEMA_AUTO_REGISTER: { default: INGEST_VARIABLES.SCHEMA_AUTO_REGISTER.default, decides: ["Glue"] },
    },
  },
  processing: {
    modes: {
      // polling: GetShardIterator and GetRecords on the stream; fanout: SubscribeToShard on the consumer.
      RETRIEVAL_MODE: { default: CONSUMER_VARIABLES.RETRIEVAL_MODE.default, decides: ["Kinesis"] },
      // true (the local default): CreateTable and DescribeTable; the stack sets false and owns the table.
      CREATE_LEASE_TABLE: { default: CONSUMER_VARIABLES.CREATE_LEASE_TABLE.default, decides: ["DynamoDB"] },
    },
  },
  processingLambda: {},
  // The registry and its schemas come from the event the stack invokes it with (event.registryName, event.schemas[].name).
  schemaSetupLambda: {},
  searchSetupLambda: {},
  searchIndexerLambda: {},
  shardScalerLambda: {},
  flinkScalerLambda: {},
  replay: { callsNothing: "deployed as a task that posts to the ingest URL: its role holds nothing" },
};

/** Parts whose calls reach only the local emulators, and why they are never deployed. */
export const LOCAL_PARTS: Partial<Record<PartName, string>> = {
  local:
    "the local stack (npm start), its scaler and page: they run on a laptop against the emulators " +
    "and have no role on AWS (its replay posts to the local ingest API, as on AWS)",
};
