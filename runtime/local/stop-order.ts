import { GuardedChild } from "./guarded-child";

/**
 * What a child is to the stack. Services write to the emulators, so they stop first: the
 * ingest service drains what it accepted into the stream before Kinesis goes away.
 */
export type Layer = "emulator" | "service";

export interface StackChild {
  child: GuardedChild;
  layer: Layer;
}

/**
 * Stops every service, waits until they are gone, then stops every emulator. Within a
 * layer children do not depend on each other, so they stop in parallel.
 */
export async function stopInOrder(children: readonly StackChild[]): Promise<void> {
  for (const layer of ["service", "emulator"] as const) {
    await Promise.all(children.filter((c) => c.layer === layer).map(({ child }) => child.stop()));
  }
}
