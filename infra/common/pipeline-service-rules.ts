/**
 * The rules between a Fargate service's size settings, in the words of the stack config
 * (`<service>Cpu`, `<service>Memory`, `<service>MinTasks`, `<service>MaxTasks`):
 * validateConfig lists them with every other problem, and PipelineService refuses what
 * breaks them.
 */
import { outOfBound } from "../../runtime/common/setting";
import { fargateSizeProblem } from "./fargate";

export interface ServiceSizes {
  cpu?: number;
  memory?: number;
  minTasks?: number;
  maxTasks?: number;
}

/** `service` is the keys' prefix, which is also the service's name: "ingest", "processing". */
export function pipelineServiceProblems(service: string, { cpu, memory, minTasks, maxTasks }: ServiceSizes): string[] {
  const problems: string[] = [];
  const sizeProblem = cpu !== undefined && memory !== undefined ? fargateSizeProblem(cpu, memory) : undefined;
  if (sizeProblem) problems.push(`${service}Memory must suit ${service}Cpu: ${sizeProblem}`);
  if (minTasks !== undefined && maxTasks !== undefined && minTasks > maxTasks) {
    problems.push(outOfBound(`${service}MaxTasks`, "at least", `${service}MinTasks`, minTasks, maxTasks));
  }
  return problems;
}
