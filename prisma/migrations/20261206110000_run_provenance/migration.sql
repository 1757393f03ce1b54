-- Run provenance (docs/api.md "Run provenance"): every run keeps, immutably, what it ran with: the prompt text
-- and its revision, the engine's provider kind, model and parameters (never the credential) and the project's
-- scoring settings. The worker executes a run with these copies, so what a run says it asked is what it asked.

-- A prompt's revision: 1 at creation, +1 whenever its text changes (and only then).
ALTER TABLE "tracked_prompts" ADD COLUMN "revision" INTEGER NOT NULL DEFAULT 1;

CREATE FUNCTION "tracked_prompts_revision"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."revision" := OLD."revision" + CASE WHEN NEW."text" IS DISTINCT FROM OLD."text" THEN 1 ELSE 0 END;
  RETURN NEW;
END $$;

-- Only statements that set the text (or try to set the revision) pay for it; nextSlotAt updates do not.
CREATE TRIGGER "tracked_prompts_revision" BEFORE UPDATE OF "text", "revision" ON "tracked_prompts"
  FOR EACH ROW EXECUTE FUNCTION "tracked_prompts_revision"();

-- Null only where the prompt, engine or project no longer existed when this migration ran (or, for rows
-- inserted by hand, when the run was created).
ALTER TABLE "runs" ADD COLUMN "promptRevision" INTEGER,
ADD COLUMN "promptText" TEXT,
ADD COLUMN "engineProvider" "ProviderKind",
ADD COLUMN "engineModel" TEXT,
ADD COLUMN "engineParameters" JSONB,
ADD COLUMN "foldTokens" INTEGER,
ADD COLUMN "halfLifeMs" INTEGER;

-- Existing runs: the prompt, engine and project as they are now (the best record there is); revision 1.
UPDATE "runs" r SET "promptRevision" = t."revision", "promptText" = t."text"
FROM "tracked_prompts" t WHERE t."id" = r."promptId" AND t."workspaceId" = r."workspaceId";
UPDATE "runs" r SET "engineProvider" = e."provider", "engineModel" = e."model", "engineParameters" = e."parameters"
FROM "engines" e WHERE e."id" = r."engineId" AND e."workspaceId" = r."workspaceId";
UPDATE "runs" r SET "foldTokens" = p."foldTokens", "halfLifeMs" = p."halfLifeMs"
FROM "projects" p WHERE p."id" = r."projectId" AND p."workspaceId" = r."workspaceId";

-- Written when the run is inserted, by whichever path inserts it (slot claims, run now, anything later), in the
-- inserting statement: a creation path cannot forget it. Values the insert gives explicitly are kept.
CREATE FUNCTION "runs_provenance"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."promptRevision" IS NULL AND NEW."promptText" IS NULL THEN
    SELECT t."revision", t."text" INTO NEW."promptRevision", NEW."promptText"
    FROM "tracked_prompts" t WHERE t."id" = NEW."promptId" AND t."workspaceId" = NEW."workspaceId";
  END IF;
  IF NEW."engineProvider" IS NULL AND NEW."engineModel" IS NULL AND NEW."engineParameters" IS NULL THEN
    SELECT e."provider", e."model", e."parameters" INTO NEW."engineProvider", NEW."engineModel", NEW."engineParameters"
    FROM "engines" e WHERE e."id" = NEW."engineId" AND e."workspaceId" = NEW."workspaceId";
  END IF;
  IF NEW."foldTokens" IS NULL AND NEW."halfLifeMs" IS NULL THEN
    SELECT p."foldTokens", p."halfLifeMs" INTO NEW."foldTokens", NEW."halfLifeMs"
    FROM "projects" p WHERE p."id" = NEW."projectId" AND p."workspaceId" = NEW."workspaceId";
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER "runs_provenance" BEFORE INSERT ON "runs"
  FOR EACH ROW EXECUTE FUNCTION "runs_provenance"();

-- Immutable once written: an update that changes it fails (statements that do not set these columns, i.e.
-- every status change, do not fire this trigger at all).
CREATE FUNCTION "runs_provenance_immutable"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF ROW(NEW."promptRevision", NEW."promptText", NEW."engineProvider", NEW."engineModel", NEW."engineParameters",
      NEW."foldTokens", NEW."halfLifeMs")
    IS DISTINCT FROM ROW(OLD."promptRevision", OLD."promptText", OLD."engineProvider", OLD."engineModel",
      OLD."engineParameters", OLD."foldTokens", OLD."halfLifeMs") THEN
    RAISE EXCEPTION 'the provenance of run % is immutable', OLD."id" USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER "runs_provenance_immutable" BEFORE UPDATE OF "promptRevision", "promptText", "engineProvider",
  "engineModel", "engineParameters", "foldTokens", "halfLifeMs" ON "runs"
  FOR EACH ROW EXECUTE FUNCTION "runs_provenance_immutable"();
