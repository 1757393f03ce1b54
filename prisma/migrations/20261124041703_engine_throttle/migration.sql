-- AlterTable
ALTER TABLE "engines" ADD COLUMN     "maxConcurrency" INTEGER,
ADD COLUMN     "maxRequestsPerMinute" INTEGER;

