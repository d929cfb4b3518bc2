/**
 * The local stack's contract: `npm start`, the whole pipeline on a laptop against the
 * emulators. Its own variables are LOCAL_VARIABLES (local-env.ts, `npm start -- --help`);
 * its children get their environment from their own contracts (ingest, processing, the
 * hot-spot processor, the replay), built with contractEnvironment as the stack builds them.
 */
import { defineContract } from "../common/contract";
import { LOCAL_VARIABLES } from "./local-env";

export const LOCAL = defineContract({
  part: "local",
  purpose: "the local stack (npm start): emulators, the services, the scaler and the live page",
  entry: { kind: "command", script: "dist/runtime/local/main.js" },
  variables: LOCAL_VARIABLES,
  resources: {},
  calls: [],
  metrics: [],
  localOnly:
    "the local stack (npm start), its scaler and page: they run on a laptop against the emulators " +
    "and have no role on AWS (its replay posts to the local ingest API, as on AWS)",
});
