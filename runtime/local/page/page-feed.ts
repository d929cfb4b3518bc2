/**
 * Feeds the PipelineView from the running stack: the services' EMF lines as they are
 * written, and every poll period the stream's shard count, the lease table, GET /hotspots
 * and the scaler's events. A failed read keeps what the view last had (the page shows it
 * a moment old rather than blank); it is said once in the log, not every period.
 */
import { DescribeStreamSummaryCommand, KinesisClient } from "@aws-sdk/client-kinesis";
import { LeaseTable } from "../../processing/leases/lease-table";
import { HotspotsView } from "../../hotspots/live-hotspots";
import { readEmf } from "../../observability/emf-reading";
import { readTenantUsageLine } from "../../ingest/tenant-usage";
import { LocalScalingEvent } from "../../scaling/local-shard-scaler";
import { GuardedChild } from "../guarded-child";
import { Burst } from "./burst";
import { PipelineView } from "./pipeline-view";
import { showControls, StackControls } from "./stack-controls";
import { LakeSummary } from "../lake-summary";

export interface FeedSources {
  view: PipelineView;
  kinesis: KinesisClient;
  streamName: string;
  leases: LeaseTable;
  hotspotsUrl: string;
  /** Reads the local lake (lake-summary.ts); unset: no lake panel. */
  lake?: (now: number) => Promise<LakeSummary>;
  scalingEvents: () => LocalScalingEvent[];
  controls: StackControls;
  burst: Burst;
  pollMs: number;
  log: (line: string) => void;
}

export class PageFeed {
  private timer?: NodeJS.Timeout;
  private polling?: Promise<void>;
  private readonly failing = new Set<string>();

  constructor(private readonly sources: FeedSources) {}

  /**
   * Reads `child`'s EMF lines, and ingest's tenant usage lines, into the view from now on (a
   * restarted worker is watched anew).
   */
  watch(child: GuardedChild): void {
    child.onStdoutLine((line) => {
      const doc = readEmf(line);
      if (doc) return this.sources.view.metrics(doc);
      const usage = readTenantUsageLine(line);
      if (usage) this.sources.view.tenantUsage(usage);
    });
  }

  start(): void {
    const tick = () => {
      this.polling = this.poll().finally(() => {
        if (this.timer) this.timer = setTimeout(tick, this.sources.pollMs);
      });
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.polling;
  }

  /** One period: every source read at once; each that fails is skipped this time. */
  async poll(): Promise<void> {
    const { view, controls, burst } = this.sources;
    const now = Date.now();
    view.scalingEvents(this.sources.scalingEvents());
    showControls(view, controls, burst);
    await Promise.all([
      this.read("the stream's shard count", async () => {
        const out = await this.sources.kinesis.send(
          new DescribeStreamSummaryCommand({ StreamName: this.sources.streamName }),
        );
        view.shardCount(now, out.StreamDescriptionSummary?.OpenShardCount ?? 0);
      }),
      this.read("the lease table", async () => {
        const leases = await this.sources.leases.list();
        view.leaseTable(
          leases.map((l) => ({ shardId: l.leaseKey, owner: l.owner, finished: l.checkpoint.kind === "SHARD_END" })),
        );
      }),
      this.read("GET /hotspots", async () => {
        const response = await fetch(this.sources.hotspotsUrl, { signal: AbortSignal.timeout(this.sources.pollMs) });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        view.hotspotWindows((await response.json()) as HotspotsView);
      }),
      this.read("the local lake", async () => {
        if (this.sources.lake) view.lake(await this.sources.lake(now));
      }),
    ]);
  }

  private async read(what: string, reading: () => Promise<void>): Promise<void> {
    try {
      await reading();
      this.failing.delete(what);
    } catch (error) {
      if (!this.failing.has(what))
        this.sources.log(`page: cannot read ${what} (${(error as Error).message}); showing the last reading`);
      this.failing.add(what);
    }
  }
}
