-- Report response cache (src/reports/report-cache.repository.ts, docs/reports.md "Response cache"): a cached
-- report is served only while the project's report state is unchanged. Part of that state is how many dirty-hour
-- marks the project has ever had: every statement that changes score, mention or citation rows appends marks
-- (migration 20261124122101_report_digests), so the number grows with every such commit, in commit order.
-- Marks present + marks the digest builder has claimed (deleted) is that number, readable in one statement.

-- CreateTable
CREATE TABLE "report_mark_claims" (
    "projectId" UUID NOT NULL,
    "claimed" BIGINT NOT NULL,

    CONSTRAINT "report_mark_claims_pkey" PRIMARY KEY ("projectId")
);

-- The deleting statement counts what it deleted, in its own transaction, so a reader never sees a mark both
-- present and claimed, or neither. Only the digest builder deletes marks, under its per-project advisory lock:
-- writers never touch this row, so runs landing never queue behind each other on it.
CREATE FUNCTION "report_mark_claims_count"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "report_mark_claims" ("projectId", "claimed")
  SELECT "projectId", count(*) FROM old_rows GROUP BY "projectId"
  ON CONFLICT ("projectId") DO UPDATE SET "claimed" = "report_mark_claims"."claimed" + EXCLUDED."claimed";
  RETURN NULL;
END
$$;

CREATE TRIGGER "report_mark_claims_count" AFTER DELETE ON "report_dirty_hours"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "report_mark_claims_count"();

-- The mentions report also counts failed runs (by slot time), which have no score rows: a run becoming failed,
-- or a failed run inserted or deleted, marks its slot's hour too. The digest builder then re-digests that hour
-- (the same digest: failed runs are not in digests), a cost of one hour per failure.
CREATE FUNCTION "report_dirty_hours_mark_failed_run"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    INSERT INTO "report_dirty_hours" ("projectId", "hour") VALUES (OLD."projectId", date_trunc('hour', OLD."slotAt", 'UTC'));
  ELSE
    INSERT INTO "report_dirty_hours" ("projectId", "hour") VALUES (NEW."projectId", date_trunc('hour', NEW."slotAt", 'UTC'));
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER "report_dirty_failed_run_insert" AFTER INSERT ON "runs"
  FOR EACH ROW WHEN (NEW."status" = 'failed') EXECUTE FUNCTION "report_dirty_hours_mark_failed_run"();
CREATE TRIGGER "report_dirty_failed_run_update" AFTER UPDATE OF "status" ON "runs"
  FOR EACH ROW WHEN ((OLD."status" = 'failed') IS DISTINCT FROM (NEW."status" = 'failed'))
  EXECUTE FUNCTION "report_dirty_hours_mark_failed_run"();
CREATE TRIGGER "report_dirty_failed_run_delete" AFTER DELETE ON "runs"
  FOR EACH ROW WHEN (OLD."status" = 'failed') EXECUTE FUNCTION "report_dirty_hours_mark_failed_run"();
