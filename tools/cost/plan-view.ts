/**
 * The plan as the estimator reads it: resources by type, each with the part of the
 * pipeline it belongs to (the folder name of its component: stream, ingest, ...), and the
 * few cross-references pricing needs (a service's task definition, a function's schedule).
 */
import { PlanDocument } from "../../infra/plan/render";

export type PlannedResource = PlanDocument["resources"][number];

/** Component modules of infra/common: a resource under one belongs to the part above it. */
const SHARED_MODULES = new Set(["service", "image", "topics"]);
/** Resources outside every component of a part (the cluster, the stack's own). */
export const SHARED_PART = "common";

export class PlanView {
  private readonly byUrn: Map<string, PlannedResource>;

  constructor(readonly doc: PlanDocument) {
    this.byUrn = new Map(doc.resources.map((r) => [r.urn, r]));
  }

  get resources(): PlannedResource[] {
    return this.doc.resources;
  }

  ofType(type: string): PlannedResource[] {
    return this.doc.resources.filter((r) => r.type === type);
  }

  /**
   * The part `r` belongs to: the outermost component of ours above it (or itself) whose
   * module is a part's folder, so a stream inside the hot-spot job is the job's.
   */
  part(r: PlannedResource): string {
    let part = SHARED_PART;
    for (let at: PlannedResource | undefined = r; at; at = at.parentUrn ? this.byUrn.get(at.parentUrn) : undefined) {
      const [pkg, module] = at.type.split(":");
      if (pkg === "kinesis-pipeline" && !SHARED_MODULES.has(module)) part = module;
    }
    return part;
  }

  /** Inputs as a plain record. */
  static inputs(r: PlannedResource): Record<string, any> {
    return (r.inputs ?? {}) as Record<string, any>;
  }

  /** The task definition an ECS service runs (matched by family in its ARN). */
  taskDefinitionOf(service: PlannedResource): PlannedResource | undefined {
    const arn = String(PlanView.inputs(service).taskDefinition ?? "");
    return this.ofType("aws:ecs/taskDefinition:TaskDefinition").find((t) =>
      arn.includes(`task-definition/${PlanView.inputs(t).family}`),
    );
  }

  /** The environment of an ECS service's (first) container, as its task definition sets it. */
  containerEnvironment(service: PlannedResource): Record<string, string> {
    const def = this.taskDefinitionOf(service);
    const raw = def ? PlanView.inputs(def).containerDefinitions : undefined;
    const containers = (typeof raw === "string" ? JSON.parse(raw) : (raw ?? [])) as {
      environment?: { name: string; value: string }[];
    }[];
    return Object.fromEntries((containers[0]?.environment ?? []).map((e) => [e.name, e.value]));
  }

  /** Environment variables of a function. */
  static environment(fn: PlannedResource): Record<string, string> {
    return (PlanView.inputs(fn).environment?.variables ?? {}) as Record<string, string>;
  }

  /** Runs a month of a function's schedules (EventBridge rules whose target is the function). */
  scheduledRunsPerHour(fn: PlannedResource): number {
    const targets = this.ofType("aws:cloudwatch/eventTarget:EventTarget").filter((t) =>
      String(PlanView.inputs(t).arn ?? "").includes(`:function:${fn.name}-`),
    );
    let runs = 0;
    for (const target of targets) {
      const rule = this.ofType("aws:cloudwatch/eventRule:EventRule").find(
        (r) => r.parentUrn === target.parentUrn && r.name === target.name,
      );
      runs += runsPerHour(String(PlanView.inputs(rule ?? target).scheduleExpression ?? ""));
    }
    return runs;
  }
}

/** Runs an hour of an EventBridge `rate(...)` expression; 0 for anything else (cron is not counted). */
export function runsPerHour(expression: string): number {
  const m = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (!m) return 0;
  const every = Number(m[1]);
  const minutes = m[2].startsWith("minute") ? every : m[2].startsWith("hour") ? every * 60 : every * 1440;
  return 60 / minutes;
}
