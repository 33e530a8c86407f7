"""The AWS I/O layer: STS, credential refresh, boto3/aiobotocore sessions, S3 calls."""
