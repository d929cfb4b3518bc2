/**
 * The whole pipeline from a validated config: the components and how they connect.
 * `index.ts` calls this with the stack's config; tests call it with any config.
 */
import * as pulumi from "@pulumi/pulumi";
import { PipelineConfig } from "./config";
import { StreamStorage } from "./stream";

export interface Pipeline {
  stream: StreamStorage;
}

export interface PipelineOutputs {
  streamName: pulumi.Output<string>;
  streamArn: pulumi.Output<string>;
  streamKeyArn: pulumi.Output<string>;
}

export function definePipeline(config: PipelineConfig): Pipeline {
  const stream = new StreamStorage("stream", { ...config.stream, tags: config.tags });
  return { stream };
}

/** The stack outputs a user (and later parts) read with `pulumi stack output`. */
export function pipelineOutputs(p: Pipeline): PipelineOutputs {
  return { streamName: p.stream.name, streamArn: p.stream.arn, streamKeyArn: p.stream.keyArn };
}
