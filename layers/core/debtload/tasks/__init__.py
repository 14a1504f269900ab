"""Entry points that turn a non-HTTP event (state machine task, SQS record, S3 notification) into a use case."""
