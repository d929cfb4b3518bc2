/**
 * The local S3 server of the lake's end-to-end run, in a plain-node process of its own (the
 * local stack's own server, runtime/local/s3-server.ts: s3rver with S3's conditional
 * PutObject), so that it neither runs under the benchmark's ts-node nor shares its event
 * loop, and its CPU is counted apart from the lake worker's.
 *
 * Environment: BENCH_S3_DIRECTORY (where s3rver keeps the buckets, one directory each) and
 * BENCH_S3_BUCKETS (comma-separated). Sends {type: "ready", endpoint} once it listens.
 */
import { startLocalS3 } from "../../dist/runtime/local/s3-server.js";

const { BENCH_S3_DIRECTORY: directory, BENCH_S3_BUCKETS: buckets } = process.env;
const s3 = await startLocalS3({ directory, buckets: buckets.split(",") });
process.on("SIGTERM", () => s3.stop().then(() => process.exit(0)));
process.send({ type: "ready", endpoint: s3.endpoint });
