"""`make run`: start the local stack and keep it up until Ctrl-C."""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import warnings

from devstack.stack import LocalStack


def main() -> int:
    logging.basicConfig(
        level=os.environ.get("DEBTLOAD_LOG_LEVEL", "INFO"), format="%(asctime)s %(name)s %(message)s"
    )
    # Handlers flush metrics on every call; locally there is no CloudWatch to send them to.
    warnings.filterwarnings("ignore", message="No application metrics to publish")
    for noisy in ("werkzeug", "botocore", "urllib3", "moto"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    api_port = int(os.environ.get("DEBTLOAD_API_PORT", "3000"))
    aws_port = int(os.environ.get("DEBTLOAD_AWS_PORT", "4566"))
    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        stack = LocalStack(api_port=api_port, aws_port=aws_port).start()
    except OSError as error:
        print(f"debtload: cannot start the local stack: {error}", file=sys.stderr)
        print(
            "Is another `make run` using the ports? Set DEBTLOAD_API_PORT / DEBTLOAD_AWS_PORT.",
            file=sys.stderr,
        )
        return 1
    bucket = stack.resource_name("ImportsBucket")
    aws = stack.aws_endpoint
    print(
        f"""
debtload local stack is up (data lives in memory and is gone when it stops)

  HTTP API          {stack.api_url}          try: curl {stack.api_url}/health
  Console           {stack.api_url}/console   (sign in with a key from make tenant)
  API docs          {stack.api_url}/docs
  AWS endpoint      {aws}     (moto: S3, SQS, DynamoDB, Step Functions, EventBridge)
  Imports bucket    s3://{bucket}/imports/<tenant_id>/<kind>/<file>
  Table             {stack.resource_name("Table")}

  Get an API key:   make tenant NAME=acme
  AWS CLI:          aws --endpoint-url {aws} s3 ls
                    aws --endpoint-url {aws} sqs list-queues

Ctrl-C stops it.
""",
        flush=True,
    )
    stop.wait()
    print("debtload: stopping...", flush=True)
    stack.stop()
    print("debtload: stopped.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
