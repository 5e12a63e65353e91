"""Issue 23, part 5: the embedded sandbox follows the plan's seed folder. Every command that
starts it brings in buckets and objects that appeared in `sandbox/` since the last start (not
only on the very first), never deletes what the sandbox holds (what migrations wrote stays),
and a missing bucket's OMS.1018 says where to put its files."""
import os
import shutil

FAST = {"OMS_PLAN_SANDBOX_TIME_SCALE": "600"}


def sandbox_bucket(workdir, cloud, region, bucket):
    return workdir / ".oms-plan" / "sandbox" / "buckets" / cloud / region / bucket


def test_a_seed_folder_made_after_the_first_diff_is_brought_in_by_the_next(run, workdir):
    seed = workdir / "plan" / "sandbox"
    shutil.move(seed, workdir / "later")

    first = run("diff", "plan")
    assert first.returncode == 0, first.stderr
    assert "OMS.1018: Bucket 'docs' does not exist in Aliyun." in first.stdout + first.stderr
    assert "10 to create" not in first.stdout

    # The user creates the seed folder only now, beside the plan.
    shutil.move(workdir / "later", seed)
    second = run("diff", "plan", "--detailed-exitcode")
    output = second.stdout + second.stderr
    assert "OMS.1018" not in output, output[-3000:]
    assert "Plan: 10 to create" in second.stdout, second.stdout[-2000:]
    assert "MigrationTask/docs" in second.stdout
    # What came in is said once, on stderr, beside the embedded sandbox's note.
    assert "brought in from plan/sandbox:" in second.stderr, second.stderr
    assert (sandbox_bucket(workdir, "Aliyun", "cn-hangzhou", "docs") / "handbook.pdf").read_bytes() == \
        (seed / "buckets/Aliyun/cn-hangzhou/docs/handbook.pdf").read_bytes()

    # A bucket and an object added to the seed later still come in; nothing changed, nothing said.
    new_bucket = seed / "buckets/Aliyun/cn-hangzhou/shop-assets"
    (new_bucket / "img").mkdir(parents=True)
    (new_bucket / "img/logo.svg").write_text("<svg/>\n")
    third = run("diff", "plan")
    assert third.returncode == 0, third.stderr
    assert "brought in from plan/sandbox: 1 new bucket, 1 new object" in third.stderr, third.stderr
    assert (sandbox_bucket(workdir, "Aliyun", "cn-hangzhou", "shop-assets") / "img/logo.svg").read_text() == "<svg/>\n"
    quiet = run("diff", "plan")
    assert "brought in" not in quiet.stderr, quiet.stderr


def test_a_missing_bucket_says_where_its_files_go_and_keeps_the_oms_code(run, workdir):
    shutil.rmtree(workdir / "plan" / "sandbox" / "buckets" / "Aliyun" / "cn-hangzhou" / "docs")
    result = run("diff", "plan", "--detailed-exitcode")
    assert result.returncode == 1, result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert "MigrationTask/docs" in last, last
    assert "OMS.1018: Bucket 'docs' does not exist in Aliyun." in last, last
    assert "create plan/sandbox/buckets/Aliyun/<the region the plan names>/docs/" in last, last
    assert "the next oms-plan command brings it in" in last, last

    # Following the hint is all it takes.
    docs = workdir / "plan" / "sandbox" / "buckets" / "Aliyun" / "cn-hangzhou" / "docs"
    (docs / "contracts").mkdir(parents=True)
    for name in ["handbook.pdf", "price-list.csv", "contracts/contract-1.pdf"]:
        (docs / name).write_bytes(b"%PDF- " + name.encode())
    fixed = run("diff", "plan")
    assert "does not exist" not in fixed.stdout + fixed.stderr, fixed.stderr[-2000:]


def test_what_a_migration_wrote_survives_a_re_seed(run, workdir):
    seed = workdir / "plan" / "sandbox" / "buckets"
    # The seed also holds a stale copy of a destination object: the migration overwrites it.
    stale = seed / "HuaweiCloud/cn-north-4/quickstart-obs/docs/price-list.csv"
    stale.parent.mkdir(parents=True)
    stale.write_text("stale copy\n")
    source = seed / "Aliyun/cn-hangzhou/docs/price-list.csv"

    applied = run("apply", "plan", "--auto-approve", "--target", "MigrationTask/docs", "--wait", "--wait-timeout", "5m",
                  env=FAST, timeout=300)
    assert applied.returncode == 0, applied.stdout[-3000:] + applied.stderr
    migrated = sandbox_bucket(workdir, "HuaweiCloud", "cn-north-4", "quickstart-obs") / "docs"
    assert (migrated / "price-list.csv").read_bytes() == source.read_bytes()
    assert (migrated / "handbook.pdf").exists() and (migrated / "contracts/contract-1.pdf").exists()

    # The seed changes: the stale destination file is touched again, a source file changes, a
    # source file is removed, a new one appears.
    stale.write_text("stale copy, edited\n")
    (seed / "Aliyun/cn-hangzhou/docs/handbook.pdf").write_bytes(b"%PDF- second edition\n")
    removed = seed / "Aliyun/cn-hangzhou/docs/contracts/contract-3.pdf"
    removed.unlink()
    (seed / "Aliyun/cn-hangzhou/docs/contracts/contract-4.pdf").write_bytes(b"%PDF- four\n")

    again = run("diff", "plan")
    assert again.returncode == 0, again.stderr
    assert "1 new object, 1 changed object" in again.stderr, again.stderr
    # What the migration wrote stays: its copy of price-list.csv, not the seed's edited stale file.
    assert (migrated / "price-list.csv").read_bytes() == source.read_bytes()
    assert (migrated / "handbook.pdf").exists()
    sandbox_docs = sandbox_bucket(workdir, "Aliyun", "cn-hangzhou", "docs")
    # The changed seed file replaced the copy nothing in the sandbox had changed.
    assert (sandbox_docs / "handbook.pdf").read_bytes() == b"%PDF- second edition\n"
    assert (sandbox_docs / "contracts/contract-4.pdf").read_bytes() == b"%PDF- four\n"
    # Removing a seed file deletes nothing.
    assert (sandbox_docs / "contracts/contract-3.pdf").exists()


def test_links_in_the_seed_folder_are_never_followed(run, workdir, tmp_path):
    # (Folder links are refused before: the plan loader walks the plan folder, seed included.)
    secret = tmp_path / "outside.txt"
    secret.write_text("not for the sandbox\n")
    docs = workdir / "plan" / "sandbox" / "buckets" / "Aliyun" / "cn-hangzhou" / "docs"
    (docs / "linked.txt").symlink_to(secret)
    os.mkfifo(docs / "pipe.csv")

    result = run("diff", "plan", timeout=60)
    assert result.returncode == 0, result.stderr
    assert "left out of the sandbox: plan/sandbox/buckets/Aliyun/cn-hangzhou/docs/linked.txt is a link" in result.stderr, result.stderr
    assert "not for the sandbox" not in result.stdout + result.stderr
    sandbox_docs = sandbox_bucket(workdir, "Aliyun", "cn-hangzhou", "docs")
    assert (sandbox_docs / "handbook.pdf").exists()
    assert not os.path.lexists(sandbox_docs / "linked.txt") and not os.path.lexists(sandbox_docs / "pipe.csv")
