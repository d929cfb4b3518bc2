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
 * Stops every service, waits until they are gone (and `withServices`, other work that still
 * talks to the emulators), then stops every emulator. Within a layer children do not depend
 * on each other, so they stop in parallel.
 */
export async function stopInOrder(
  children: readonly StackChild[],
  withServices: Promise<unknown> = Promise.resolve(),
): Promise<void> {
  const stopLayer = (layer: Layer) =>
    Promise.all(children.filter((c) => c.layer === layer).map(({ child }) => child.stop()));
  await Promise.all([withServices, stopLayer("service")]);
  await stopLayer("emulator");
}
