"""The local imports bucket is versioned as template.yaml's is, so an overwrite behaves as deployed."""

from __future__ import annotations

from tests.conftest import MotoResources


def test_the_imports_bucket_is_versioned_and_an_overwrite_keeps_the_old_file(
    moto_resources: MotoResources,
) -> None:
    s3 = moto_resources.client("s3")
    bucket = moto_resources.bucket
    assert s3.get_bucket_versioning(Bucket=bucket).get("Status") == "Enabled"
    s3.put_object(Bucket=bucket, Key="imports/t/debts/a.csv", Body=b"first")
    s3.put_object(Bucket=bucket, Key="imports/t/debts/a.csv", Body=b"second")
    versions = s3.list_object_versions(Bucket=bucket, Prefix="imports/t/debts/a.csv")["Versions"]
    assert len(versions) == 2
