/**
 * Every KMS key the stack creates (the stream's, the topics') waits this long before it is
 * deleted, so a destroyed stack's key can still be recovered, and with it the data it
 * encrypted. 30 days is KMS's maximum waiting period:
 * https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html
 */
export const KEY_DELETION_WINDOW_DAYS = 30;
