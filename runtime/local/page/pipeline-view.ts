/**
 * What the live page shows, kept from what the local stack reports: the services' EMF
 * documents, the stream's shard count, the lease table, the hot spots and the scaler's
 * events. Pure and bounded (a fixed number of points per series, however long the stack
 * runs), so a table of inputs tests it; the feed (page-feed.ts) does the reading.
 */
import { EmfDocument } from "../../observability/emf-reading";
import {
  INGEST_REJECT_METRICS,
  PIPELINE_SERVICES,
  PROCESSING_LAG_METRICS,
  PROCESSING_METRICS,
  PRODUCER_METRICS,
  REASON_DIMENSION,
  REPLAY_METRICS,
  SERVICE_DIMENSION,
  SHARD_DIMENSION,
} from "../../observability/metrics/pipeline";
import { WindowView } from "../../hotspots/recent-windows";
import { LakeSummary } from "../lake-summary";
import { TenantUsageLine } from "../../ingest/tenant-usage";
import { LocalScalingEvent } from "../../scaling/local-shard-scaler";
import { LocalCost, localCostPerHour } from "../../cost/local-as-aws";

/** Points kept per series: ten minutes of one writer's 2-second reports, five of two. */
export const SERIES_POINTS = 300;
/**
 * A shard's lag older than this many metrics intervals is not shown: its worker stopped
 * reporting it (killed, or the shard closed). Two and a half: one late report is not a gap.
 */
const LAG_FRESH_INTERVALS = 2.5;
/** The latest windows with hot spots the page offers, newest first (a day at the default 6 h). */
export const PAGE_WINDOWS = 4;
/** Tenants the page names, the busiest; the others are summed as one row. */
export const PAGE_TOP_TENANTS = 5;
/** Reject reasons that are the schema's (the ingest API answers them with 422). */
const SCHEMA_REJECTS = new Set(["schema_violation"]);

/**
 * Where the user records come from: the ingest API's own clients (a burst, a user's POST),
 * or the taxi replay. Both go through the ingest service, which counts them together; the
 * replay counts its own, and the API's clients are the rest.
 */
export const SOURCES = [PIPELINE_SERVICES.ingest, PIPELINE_SERVICES.replay] as const;
export type Source = (typeof SOURCES)[number];

export interface ThroughputPoint {
  t: number;
  /** Per second: user records from each source (the ingest API's clients, the taxi replay). */
  userRecords: Record<Source, number>;
  /** Per second, all sources together: the Kinesis records and PutRecords calls the ingest service made. */
  kinesisRecords: number;
  putRecordsCalls: number;
}

export interface LeaseRow {
  shardId: string;
  owner?: string;
  /** Latest MillisBehindLatest a worker reported for the shard, if recent. */
  millisBehind?: number;
  finished: boolean;
}

export interface WorkerRow {
  name: string;
  workerId: string;
  pid?: number;
  running: boolean;
  leases: number;
}

/** A tenant's latest rates (per second, over its last report) and its refused records so far. */
export interface TenantRow {
  tenant: string;
  recordsPerSecond: number;
  rejectsPerSecond: number;
  rejects: number;
}

export interface PageSnapshot {
  at: number;
  stream: { name: string; shards?: number; minShards: number; maxShards: number; capacityScale: number };
  throughput: { points: ThroughputPoint[]; aggregationRatio?: number };
  shards: { points: { t: number; shards: number }[]; events: LocalScalingEvent[] };
  consumers: { leases: LeaseRow[]; workers: WorkerRow[] };
  /** The latest closed windows that have hot spots, newest first, each with its spots, busiest first. */
  hotspots: { windows: HotSpotWindow[]; events: number; late: number };
  /** The local lake: objects and rows per tenant, the newest object's age (lake-summary.ts). */
  lake?: LakeSummary;
  rejects: { schema: number; other: number; byReason: Record<string, number>; deadLetters: number };
  replay: { running: boolean; speedup?: number };
  burst: { running: boolean; until?: number; recordsSent: number };
  /** What this shape and these rates would cost per hour on AWS; unset until the shard count is known. */
  cost?: LocalCost;
  /** The busiest tenants by records/s, and every other tenant summed (`tenants` of them). */
  tenants: { top: TenantRow[]; rest: TenantRow & { tenants: number } };
}

export interface HotSpotWindow {
  start: string;
  end: string;
  spots: HotSpotRow[];
}

export interface HotSpotRow {
  cell: string;
  lat: number;
  lon: number;
  count: number;
}

export interface ViewSetup {
  streamName: string;
  minShards: number;
  maxShards: number;
  capacityScale: number;
  /** The services' metrics interval: a document's counts cover this long. */
  metricsIntervalMs: number;
}

function push<T>(series: T[], point: T): void {
  series.push(point);
  if (series.length > SERIES_POINTS) series.splice(0, series.length - SERIES_POINTS);
}

export class PipelineView {
  private readonly throughput: ThroughputPoint[] = [];
  private readonly shardPoints: { t: number; shards: number }[] = [];
  private shards?: number;
  private events: LocalScalingEvent[] = [];
  private readonly lag = new Map<string, { millisBehind: number; at: number }>();
  private leases: { shardId: string; owner?: string; finished: boolean }[] = [];
  private workers: Omit<WorkerRow, "leases">[] = [];
  private hotspots: PageSnapshot["hotspots"] = { windows: [], events: 0, late: 0 };
  private lakeReading?: LakeSummary;
  private readonly rejectsByReason: Record<string, number> = {};
  private deadLetters = 0;
  private replay: PageSnapshot["replay"] = { running: false };
  private burst: PageSnapshot["burst"] = { running: false, recordsSent: 0 };
  private totals = { userRecords: 0, kinesisRecords: 0 };
  /** The ingest service's latest rates: every user record, whatever its source. */
  private ingest?: { at: number; user: number; kinesis: number; calls: number };
  /** The replay's latest rate of user records the ingest API accepted from it. */
  private replayRate?: { at: number; user: number };
  /** Each tenant's latest report and its refused records so far. */
  private readonly tenants = new Map<string, { at: number; records: number; rejected: number; rejects: number }>();

  constructor(private readonly setup: ViewSetup) {}

  /** An EMF document from a service's stdout; its Service dimension says whose (ingest, replay, processing). */
  metrics(doc: EmfDocument): void {
    const perSecond = (n: number | undefined) => ((n ?? 0) * 1000) / this.setup.metricsIntervalMs;
    const service = doc.dimensions[SERVICE_DIMENSION];
    const reason = doc.dimensions[REASON_DIMENSION];
    const shardId = doc.dimensions[SHARD_DIMENSION];
    const m = (metric: { name: string }): number | undefined => doc.metrics[metric.name];
    const userRecords = m(PRODUCER_METRICS.UserRecordsReceived);
    const behind = m(PROCESSING_LAG_METRICS.MillisBehindLatest);
    const deadLetters = m(PROCESSING_METRICS.DeadLetters);
    if (service === PIPELINE_SERVICES.ingest && reason !== undefined) {
      this.rejectsByReason[reason] = (this.rejectsByReason[reason] ?? 0) + (m(INGEST_REJECT_METRICS.Rejects) ?? 0);
    } else if (service === PIPELINE_SERVICES.ingest && userRecords !== undefined) {
      const kinesisRecords = m(PRODUCER_METRICS.KinesisRecordsPut);
      this.totals.userRecords += userRecords;
      this.totals.kinesisRecords += kinesisRecords ?? 0;
      this.ingest = {
        at: doc.at,
        user: perSecond(userRecords),
        kinesis: perSecond(kinesisRecords),
        calls: perSecond(m(PRODUCER_METRICS.PutRecordsCalls)),
      };
      push(this.throughput, this.throughputAt(doc.at));
    } else if (service === PIPELINE_SERVICES.replay && m(REPLAY_METRICS.TripsAccepted) !== undefined) {
      this.replayRate = { at: doc.at, user: perSecond(m(REPLAY_METRICS.TripsAccepted)) };
      push(this.throughput, this.throughputAt(doc.at));
    } else if (service === PIPELINE_SERVICES.processing && shardId !== undefined && behind !== undefined) {
      this.lag.set(shardId, { millisBehind: behind, at: doc.at });
    } else if (service === PIPELINE_SERVICES.processing && deadLetters !== undefined) {
      this.deadLetters += deadLetters;
    }
  }

  /** A tenant's usage line from ingest's stdout: its counts over one interval. */
  tenantUsage(u: TenantUsageLine): void {
    const rejected = Object.values(u.rejects).reduce((n, c) => n + c, 0);
    const before = this.tenants.get(u.tenant)?.rejects ?? 0;
    this.tenants.set(u.tenant, { at: u.at, records: u.records, rejected, rejects: before + rejected });
  }

  /** The stream's open shard count, read now. */
  shardCount(t: number, shards: number): void {
    this.shards = shards;
    push(this.shardPoints, { t, shards });
  }

  scalingEvents(events: LocalScalingEvent[]): void {
    this.events = events;
  }

  leaseTable(leases: { shardId: string; owner?: string; finished: boolean }[]): void {
    this.leases = [...leases].sort((a, b) => a.shardId.localeCompare(b.shardId));
  }

  processingWorkers(workers: Omit<WorkerRow, "leases">[]): void {
    this.workers = workers;
  }

  /** The local lake, as lake-summary.ts reads it. */
  lake(summary: LakeSummary): void {
    this.lakeReading = summary;
  }

  /** GET /hotspots (newest first): the latest PAGE_WINDOWS windows that have hot spots. */
  hotspotWindows(view: { windows: WindowView[]; stats: { events: number; late: number } }): void {
    this.hotspots = {
      windows: view.windows
        .filter((w) => w.hotSpots.length > 0)
        .slice(0, PAGE_WINDOWS)
        .map((w) => ({
          start: w.windowStart,
          end: w.windowEnd,
          spots: w.hotSpots
            .map((h) => ({ cell: h.cell, lat: h.location.lat, lon: h.location.lon, count: h.count }))
            .sort((a, b) => b.count - a.count),
        })),
      events: view.stats.events,
      late: view.stats.late,
    };
  }

  replayState(state: PageSnapshot["replay"]): void {
    this.replay = state;
  }

  burstState(state: PageSnapshot["burst"]): void {
    this.burst = state;
  }

  snapshot(now: number): PageSnapshot {
    const leases = this.currentLeases(now);
    const schema = Object.entries(this.rejectsByReason)
      .filter(([reason]) => SCHEMA_REJECTS.has(reason))
      .reduce((n, [, count]) => n + count, 0);
    const all = Object.values(this.rejectsByReason).reduce((n, count) => n + count, 0);
    return {
      at: now,
      stream: {
        name: this.setup.streamName,
        shards: this.shards,
        minShards: this.setup.minShards,
        maxShards: this.setup.maxShards,
        capacityScale: this.setup.capacityScale,
      },
      throughput: {
        points: [...this.throughput],
        aggregationRatio:
          this.totals.kinesisRecords > 0 ? this.totals.userRecords / this.totals.kinesisRecords : undefined,
      },
      shards: { points: [...this.shardPoints], events: [...this.events] },
      consumers: {
        leases,
        workers: this.workers.map((w) => ({
          ...w,
          leases: leases.filter((l) => !l.finished && l.owner === w.workerId).length,
        })),
      },
      hotspots: this.hotspots,
      lake: this.lakeReading,
      rejects: { schema, other: all - schema, byReason: { ...this.rejectsByReason }, deadLetters: this.deadLetters },
      replay: this.replay,
      burst: this.burst,
      cost: this.costAt(now),
      tenants: this.tenantRows(now),
    };
  }

  /**
   * The busiest PAGE_TOP_TENANTS tenants and the rest. A tenant reports only in intervals it
   * sent in, so a report older than two intervals is a rate of zero.
   */
  private tenantRows(now: number): PageSnapshot["tenants"] {
    const perSecond = (n: number) => (n * 1000) / this.setup.metricsIntervalMs;
    const rows: TenantRow[] = [...this.tenants].map(([tenant, t]) => {
      const fresh = now - t.at <= 2 * this.setup.metricsIntervalMs;
      return {
        tenant,
        recordsPerSecond: fresh ? perSecond(t.records) : 0,
        rejectsPerSecond: fresh ? perSecond(t.rejected) : 0,
        rejects: t.rejects,
      };
    });
    rows.sort(
      (a, b) => b.recordsPerSecond - a.recordsPerSecond || b.rejects - a.rejects || a.tenant.localeCompare(b.tenant),
    );
    const rest = rows.slice(PAGE_TOP_TENANTS);
    return {
      top: rows.slice(0, PAGE_TOP_TENANTS),
      rest: {
        tenant: "others",
        tenants: rest.length,
        recordsPerSecond: rest.reduce((n, r) => n + r.recordsPerSecond, 0),
        rejectsPerSecond: rest.reduce((n, r) => n + r.rejectsPerSecond, 0),
        rejects: rest.reduce((n, r) => n + r.rejects, 0),
      },
    };
  }

  /** The current shape (shards, the ingest process, running workers) and the latest fresh rates, priced. */
  private costAt(now: number): LocalCost | undefined {
    if (this.shards === undefined) return undefined;
    const ingest =
      this.ingest !== undefined && now - this.ingest.at <= 2 * this.setup.metricsIntervalMs ? this.ingest : undefined;
    return localCostPerHour({
      shards: this.shards,
      ingestTasks: 1,
      processingWorkers: this.workers.filter((w) => w.running).length,
      userRecordsPerSecond: ingest?.user ?? 0,
      kinesisRecordsPerSecond: ingest?.kinesis ?? 0,
      capacityScale: this.setup.capacityScale,
    });
  }

  /**
   * The rates at `t`, by source; a report older than two intervals (its writer stopped)
   * counts as zero. The two report apart, so the replay's share of ingest's records is its
   * latest rate, at most all of them.
   */
  private throughputAt(t: number): ThroughputPoint {
    const fresh = <T extends { at: number }>(rates: T | undefined) =>
      rates !== undefined && t - rates.at <= 2 * this.setup.metricsIntervalMs ? rates : undefined;
    const ingest = fresh(this.ingest);
    const all = ingest?.user ?? 0;
    const replay = Math.min(fresh(this.replayRate)?.user ?? 0, all);
    return {
      t,
      userRecords: { ingest: all - replay, replay },
      kinesisRecords: ingest?.kinesis ?? 0,
      putRecordsCalls: ingest?.calls ?? 0,
    };
  }

  /** Leases with their shard's lag, when it is recent and its holder is running. */
  private currentLeases(now: number): LeaseRow[] {
    const running = new Set(this.workers.filter((w) => w.running).map((w) => w.workerId));
    return this.leases.map((l) => {
      const lag = this.lag.get(l.shardId);
      const fresh =
        lag !== undefined &&
        now - lag.at <= LAG_FRESH_INTERVALS * this.setup.metricsIntervalMs &&
        !l.finished &&
        l.owner !== undefined &&
        running.has(l.owner);
      return { ...l, ...(fresh ? { millisBehind: lag.millisBehind } : {}) };
    });
  }
}
