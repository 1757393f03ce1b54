-- Mention sentiment (docs/sentiment.md): how the sentence or list item around each mention speaks of the brand.
-- Null on mentions stored before it; a backfill recomputes them.
-- CreateEnum
CREATE TYPE "MentionSentiment" AS ENUM ('positive', 'neutral', 'negative');

-- AlterTable
ALTER TABLE "mentions" ADD COLUMN     "sentiment" "MentionSentiment",
ADD COLUMN     "sentimentScore" DECIMAL(4,3);
