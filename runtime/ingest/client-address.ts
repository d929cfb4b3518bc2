/**
 * Which address a request comes from, for throttling repeated authentication failures.
 *
 * On AWS every request reaches a task through the load balancer (the tasks' security group
 * admits nothing else), whose X-Forwarded-For processing mode is `append` (the default, and
 * what the stack sets): it appends the address it took the connection from as the header's
 * LAST entry, after whatever the client sent
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/x-forwarded-headers.html).
 * So only the last entry is trusted: every earlier one is the client's to invent, and taking
 * the first would let a client pick a fresh address for each guess. Locally there is no load
 * balancer, and the socket's address is the client's.
 */
export type ClientAddressSource = "socket" | "load-balancer";

export function clientAddress(
  source: ClientAddressSource,
  socketAddress: string | undefined,
  forwardedFor: string | string[] | undefined,
): string {
  if (source === "load-balancer" && forwardedFor !== undefined) {
    // Several X-Forwarded-For lines read as one list: the load balancer's entry ends the last.
    const text = Array.isArray(forwardedFor) ? forwardedFor.join(",") : forwardedFor;
    const last = text.slice(text.lastIndexOf(",") + 1).trim();
    if (last !== "") return last;
  }
  return socketAddress ?? "unknown";
}
