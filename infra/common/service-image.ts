/**
 * The one container image of the Fargate services, built from the repository's
 * Dockerfile and pushed to a private ECR repository whose tags are immutable (Security Hub
 * ECR.2): a tag, once pushed, always names the same image. Each build is tagged with a hash
 * of what it is built from (image-tag.ts). Each service runs it with its own command
 * (its contract's entry point: runtime/common/contract-entry.ts).
 */
import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import path from "node:path";
import { REPO_ROOT } from "../../runtime/common/repo-root";
import { grant } from "./grants";
import { contextImageTag } from "./image-tag";

/** What the ECS agent needs to pull an image. GetAuthorizationToken has no resource scope. */
export const IMAGE_PULL_ACTIONS = [
  "ecr:BatchCheckLayerAvailability",
  "ecr:GetDownloadUrlForLayer",
  "ecr:BatchGetImage",
] as const;
export const REGISTRY_LOGIN_ACTIONS = ["ecr:GetAuthorizationToken"] as const;
const PULL_USED_BY =
  "the ECS agent, pulling the image with the task's execution role: " +
  "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html";

/** The repository root: the Docker build context. */
export const BUILD_CONTEXT = REPO_ROOT;
export const DOCKERFILE = path.join(BUILD_CONTEXT, "Dockerfile");
/** Fargate's default CPU architecture. */
export const PLATFORM = "linux/amd64";

export class ServiceImage extends pulumi.ComponentResource {
  readonly repository: aws.ecr.Repository;
  /** The pushed image, pinned by digest so a task always runs exactly what was built. */
  readonly imageUri: pulumi.Output<string>;

  constructor(
    private readonly resourceName: string,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("kinesis-pipeline:image:ServiceImage", resourceName, {}, opts);
    this.repository = new aws.ecr.Repository(
      resourceName,
      {
        imageScanningConfiguration: { scanOnPush: true },
        imageTagMutability: "IMMUTABLE",
        encryptionConfigurations: [{ encryptionType: "AES256" }],
        // `pulumi destroy` removes the images with the repository.
        forceDelete: true,
      },
      { parent: this },
    );
    new aws.ecr.LifecyclePolicy(
      `${resourceName}-keep-recent`,
      {
        repository: this.repository.name,
        policy: JSON.stringify({
          rules: [
            {
              rulePriority: 1,
              description: "keep the 20 most recent images",
              selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 20 },
              action: { type: "expire" },
            },
          ],
        }),
      },
      { parent: this },
    );
    const image = new awsx.ecr.Image(
      resourceName,
      {
        repositoryUrl: this.repository.repositoryUrl,
        context: BUILD_CONTEXT,
        dockerfile: DOCKERFILE,
        platform: PLATFORM,
        // A new tag for every different build: the repository refuses to move a tag.
        imageTag: contextImageTag(BUILD_CONTEXT, DOCKERFILE, PLATFORM),
      },
      { parent: this },
    );
    this.imageUri = image.imageUri;
    this.registerOutputs({ imageUri: this.imageUri });
  }

  /** Lets an ECS task execution role pull this image. */
  grantPull(role: aws.iam.Role, grantee: string): aws.iam.RolePolicy {
    return grant(
      `${this.resourceName}-pull-${grantee}`,
      role,
      [
        { sid: "RegistryLogin", actions: REGISTRY_LOGIN_ACTIONS, resources: ["*"], usedBy: PULL_USED_BY },
        { sid: "ImagePull", actions: IMAGE_PULL_ACTIONS, resources: [this.repository.arn], usedBy: PULL_USED_BY },
      ],
      this,
    );
  }
}
