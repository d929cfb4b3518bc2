import { GuardedChild } from "./guarded-child";

/**
 * What a child is to the stack, in the order they stop. Writers (the taxi replay) post to
 * the ingest service, so they stop first, while it still answers. Services write to the
 * emulators, so they stop next: the ingest service drains what it accepted into the stream
 * before Kinesis goes away.
 */
export const LAYERS = ["writer", "service", "emulator"] as const;
export type Layer = (typeof LAYERS)[number];

export interface StackChild {
  child: Pick<GuardedChild, "stop">;
  layer: Layer;
}

/**
 * Stops every writer, then every service, waits until they are gone (and `withServices`,
 * other work that still talks to the emulators), then stops every emulator. Within a layer
 * children do not depend on each other, so they stop in parallel.
 */
export async function stopInOrder(
  children: readonly StackChild[],
  withServices: Promise<unknown> = Promise.resolve(),
): Promise<void> {
  const stopLayer = (layer: Layer) =>
    Promise.all(children.filter((c) => c.layer === layer).map(({ child }) => child.stop()));
  await stopLayer("writer");
  await Promise.all([withServices, stopLayer("service")]);
  await stopLayer("emulator");
}
