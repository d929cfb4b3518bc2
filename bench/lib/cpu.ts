/**
 * CPU time from Linux's /proc, in seconds: per process (the server, the emulator) and for
 * the whole machine. Sampled around a measured run, they show which process was the limit
 * and how much CPU other work on this shared machine took meanwhile, which is what says
 * whether a run's numbers can be trusted. NaN where /proc is not there.
 */
import { readFileSync } from "node:fs";

/** Linux reports CPU time in clock ticks of 1/100 s (sysconf(_SC_CLK_TCK) = 100). */
const TICKS_PER_SECOND = 100;

/** User + system CPU time of a process: /proc/<pid>/stat fields 14 and 15. */
export function cpuSecondsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces; count the fields after its ')'.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return NaN;
  }
}

/** CPU time all cores spent busy (not idle, not waiting for I/O): the first line of /proc/stat. */
export function machineBusySeconds(): number {
  try {
    const [user, nice, system, , , irq, softirq, steal] = readFileSync("/proc/stat", "utf8")
      .split("\n")[0]
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    return (user + nice + system + irq + softirq + steal) / TICKS_PER_SECOND;
  } catch {
    return NaN;
  }
}
