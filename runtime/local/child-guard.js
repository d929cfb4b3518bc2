"use strict";
// Preloaded with `node --require` into every child process the local stack starts.
//
// The children run in their own process group, so a Ctrl-C in the terminal reaches only the
// stack, which then stops them in order. The price: if the stack dies without cleaning up
// (kill -9, a crash), nothing would stop them. Their stdin is a pipe from the stack, and the
// OS closes it whenever the stack exits, however it exits. So end-of-file on stdin means "the
// parent is gone", and the child exits instead of living on as an orphan holding its port.
//
// Plain CommonJS because the children are plain `node`, without ts-node.
process.stdin.on("end", () => process.exit(0));
process.stdin.on("error", () => process.exit(0));
process.stdin.resume();
