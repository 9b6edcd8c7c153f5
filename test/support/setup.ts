// aws-local-stepfunctions declares Node >= 22; on Node 20 it needs Promise.withResolvers.
import '#infra/local/polyfills';
