/**
 * The repository root (in the container image: its working directory), where package.json
 * and dist/ are. Code here runs from runtime/common/ under ts-node and from
 * dist/runtime/common/ once compiled, so "two levels up" is the root in the first case and
 * dist/ in the second.
 */
import path from "node:path";

const parent = path.resolve(__dirname, "..", "..");

export const REPO_ROOT = path.basename(parent) === "dist" ? path.dirname(parent) : parent;
