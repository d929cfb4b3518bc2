/**
 * The hot-spot job as a record processor of the processing worker
 * (PROCESSOR_MODULE=dist/runtime/hotspots/hotspot-processor.js), serving its latest windows
 * at GET /hotspots on HOTSPOTS_PORT (settings: processor-contract.ts, read by hotspot-settings.ts). Meant for one worker
 * holding every shard of an application of its own: one engine then sees the whole stream
 * with one watermark, as a Flink job of parallelism 1 would.
 */
import { Logger } from "pino";
import loggingProcessor, { ProcessorModule } from "../processing/logging-processor";
import { readHotspotSettings } from "./hotspot-settings";
import { serveJson } from "../common/json-endpoint";
import { LiveHotspots } from "./live-hotspots";

const hotspotProcessor: ProcessorModule = (context) => {
  // A bad setting throws a SettingsError here, which the worker reports and exits 2 on.
  const settings = readHotspotSettings(process.env);
  const job = new LiveHotspots(settings.config, settings.retainedWindows);
  if (settings.port !== 0) serve(settings.port, job, context.log);
  // Wrapped, so that it logs and checkpoints exactly as the default processor does.
  const logging = loggingProcessor(context);
  return (shardId) => {
    const inner = logging(shardId);
    return {
      ...inner,
      processRecords: async (input) => {
        // Counted after the checkpoint: a batch retried because the checkpoint failed counts once.
        await inner.processRecords(input);
        for (const record of input.records) job.add(record);
      },
    };
  };
};

function serve(port: number, job: LiveHotspots, log: Logger): void {
  serveJson(port, "/hotspots", () => job.view()).then(
    // No signal handler here: the endpoint closes with the process, which exits once the
    // worker has drained (runtime/processing/main.ts). A SIGTERM listener of ours would also
    // keep a signal that comes before the worker's own handler from ending the process.
    () => log.info({ port }, "serving GET /hotspots"),
    (error: NodeJS.ErrnoException) => {
      // The factory is synchronous, so the worker's start cannot fail on this: exit as on a bad setting.
      console.error(
        `processing: cannot serve GET /hotspots on port ${port} (${error.code ?? error.message}; set HOTSPOTS_PORT to another port)`,
      );
      process.exit(2);
    },
  );
}

export default hotspotProcessor;
