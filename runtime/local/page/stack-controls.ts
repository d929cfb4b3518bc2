import type { Burst } from "./burst";
import type { PipelineView } from "./pipeline-view";

/**
 * What the page may do to the local stack, and what it reads of it: LocalStack implements
 * this. The page server validates requests and calls these; it never touches a process.
 */
export interface ProcessingWorkerState {
  /** The child's name, as `npm start` prints it (processing-1). */
  name: string;
  /** The WORKER_ID it holds leases under. */
  workerId: string;
  pid?: number;
  running: boolean;
}

export interface StackControls {
  replayState(): { running: boolean; speedup?: number };
  /** Starts the taxi replay at `speedup` (restarts it when it runs at another pace). */
  startReplay(speedup: number): Promise<void>;
  stopReplay(): Promise<void>;
  processingWorkers(): ProcessingWorkerState[];
  /** SIGKILL, as a crashed task: its leases stay held until they expire and others take them. */
  killWorker(name: string): Promise<void>;
  restartWorker(name: string): Promise<void>;
}

/** What the controls act on, into the view: read every feed period and after each control. */
export function showControls(view: PipelineView, controls: StackControls, burst: Burst): void {
  view.processingWorkers(controls.processingWorkers());
  view.replayState(controls.replayState());
  view.burstState(burst.current);
}
