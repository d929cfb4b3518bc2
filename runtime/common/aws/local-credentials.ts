/**
 * Static credentials for the local emulators. They accept any signature, and using fixed
 * values means a local run never picks up (or needs) a developer's real AWS credentials.
 */
export const LOCAL_CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" } as const;
