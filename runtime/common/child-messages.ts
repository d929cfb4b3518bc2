/**
 * What a child process tells the process that started it (the local stack, a test) over
 * Node's IPC channel: the control data its parent acts on, typed here once for both sides.
 * Stdout stays for logs and EMF, which nobody parses for control. A child started without
 * the channel (from a terminal, as a Fargate task) sends nothing.
 */

/** The child is at work now: the replay has reached its target and sends its first trips. */
export interface ChildStarted {
  type: "started";
  /** What it does, for the parent's log: "replay of data/... to http://127.0.0.1:8080/". */
  what: string;
}

/** The replay has ended (its file, or a stop signal) and says where the next one goes on. */
export interface ReplayStopped {
  type: "replay-stopped";
  /** Event time into the replay of the first trip it did not send: the next one's --resume-at. */
  resumeAtMs: number;
  sent: number;
  stored: number;
  stoppedBySignal: boolean;
}

export type ChildMessage = ChildStarted | ReplayStopped;

export function isChildStarted(message: ChildMessage): message is ChildStarted {
  return message.type === "started";
}

export function isReplayStopped(message: ChildMessage): message is ReplayStopped {
  return message.type === "replay-stopped";
}

/**
 * Sends `message` to the parent; resolves once it is handed to the channel (so a child may
 * exit right after), or at once when there is no channel.
 */
export function tellParent(message: ChildMessage): Promise<void> {
  const send = process.send?.bind(process);
  if (send === undefined || !process.connected) return Promise.resolve();
  // A parent that went away meanwhile loses the message: nothing is left to act on it.
  return new Promise((resolve) => send(message, undefined, {}, () => resolve()));
}
