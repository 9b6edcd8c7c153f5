/**
 * Who DynamoDB names as the remover of an item its TTL deleted (the stream record's userIdentity).
 * Its own module, free of the logger, so the local stack and the CDK app can import it without
 * constructing the handlers' logger before a handler's environment is set.
 */
export const TTL_IDENTITY = { type: 'Service', principalId: 'dynamodb.amazonaws.com' } as const;
